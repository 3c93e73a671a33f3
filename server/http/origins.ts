// Which names this server answers to, and which pages may talk to it. A page on another site must
// not open a WebSocket to the laptop (a phone in the hall that opens a hostile page would act as
// that phone), nor reach it under a name of its own that resolves to the laptop's address (DNS
// rebinding). So a request is answered only under one of the server's own names (an IP address,
// localhost, this computer's name, PUBLIC_URL's host, or one listed in ALLOWED_HOSTS), and a
// browser's Origin must be the page's own address or one of those names. Programs that send no
// Origin (scripts with the key, the bench) are not browsers and pass.

import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { isLoopbackHost } from '../net.js';

const bare = (host: string): string => host.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');

/** The host name of a Host header (`name:port`, `[v6]:port`), without the port. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return bare(h.slice(0, h.indexOf(']') + 1));
  return bare(h.replace(/:\d*$/, ''));
}

export interface OriginOptions {
  /** PUBLIC_URL: its host is one of the server's names. */
  publicUrl?: string;
  /** ALLOWED_HOSTS: more names the server answers to and pages it takes (a proxy's, a DNS name). */
  extraHosts?: readonly string[];
}

export class OriginCheck {
  private readonly names: Set<string>;
  private addresses = new Set<string>();
  private addressesAt = 0;

  constructor(options: OriginOptions = {}) {
    const own = hostname().toLowerCase();
    this.names = new Set(['localhost', own, `${own}.local`, ...(options.extraHosts ?? []).map(bare)]);
    if (options.publicUrl) {
      try {
        this.names.add(bare(new URL(options.publicUrl.replace('{port}', '1')).hostname));
      } catch {
        // PUBLIC_URL is checked where it is read; a name that cannot be parsed adds nothing here.
      }
    }
  }

  /**
   * Whether a Host header names this server. Any IP address does: a request to an address cannot
   * be a rebinding, and the laptop's own address may change during the evening.
   */
  hostAllowed(host: string | undefined): boolean {
    if (!host) return false;
    const name = hostnameOf(host);
    return isIP(name) !== 0 || this.isOwnName(name);
  }

  /** Whether a browser page from `origin` may talk to this server, asked for under `host`. */
  originAllowed(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // The page's own address: it was served by this server under that name.
    if (host && url.host === host.trim().toLowerCase()) return true;
    const name = bare(url.hostname);
    return this.isOwnName(name) || isLoopbackHost(name) || this.isOwnAddress(name);
  }

  private isOwnName(name: string): boolean {
    return this.names.has(name) || name.endsWith('.localhost');
  }

  /** This computer's addresses, looked up again every ten seconds (Wi-Fi may give a new one). */
  private isOwnAddress(address: string): boolean {
    const now = Date.now();
    if (now - this.addressesAt > 10_000) {
      this.addressesAt = now;
      this.addresses = new Set(
        Object.values(networkInterfaces())
          .flatMap((infos) => infos ?? [])
          .map((info) => bare(info.address.replace(/%.*$/, ''))),
      );
    }
    return this.addresses.has(address);
  }
}

export const HOST_REFUSED =
  'Цей сервер не відповідає на таку адресу. / This server does not answer to this address; add its name to ALLOWED_HOSTS.';

export const ORIGIN_REFUSED =
  'Запит з іншого сайту відхилено. / A request from another site was refused; add its name to ALLOWED_HOSTS if it is yours.';
