// Finding the address phones can reach: the laptop's LAN address, never localhost, and saying so
// plainly when the server itself listens where no phone can reach it.

import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { ConsoleView } from '../shared/protocol.js';

export type Reachability = ConsoleView['reachable'];

/** Private ranges first (a venue's Wi-Fi), then any other non-internal IPv4 address. */
function score(address: string, name: string): number {
  if (/^(docker|br-|veth|virbr|lxc|cni|flannel|tun|tap|utun|zt)/.test(name)) return 0;
  if (address.startsWith('169.254.')) return 0;
  if (address.startsWith('192.168.')) return 4;
  if (address.startsWith('10.')) return 3;
  if (/^172\.(1[6-9]|2\d|3[01])\./.test(address)) return 2;
  return 1;
}

export function lanAddress(): string | null {
  let best: { address: string; score: number } | null = null;
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal) continue;
      const s = score(info.address, name);
      if (s > 0 && (!best || s > best.score)) best = { address: info.address, score: s };
    }
  }
  return best?.address ?? null;
}

const bare = (host: string) => host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');

/** HOST values that listen on every interface (the default), where the LAN address is served. */
export function isWildcardHost(host: string): boolean {
  const h = bare(host);
  return h === '' || h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

/** HOST values only this computer can reach: 127.0.0.0/8, ::1 and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = bare(host);
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^(::ffff:)?127\./.test(h);
}

/** A host as it goes into a URL: IPv6 addresses in brackets. */
function urlHost(host: string): string {
  const h = bare(host);
  return isIP(h) === 6 ? `[${h}]` : h;
}

export interface PhoneBase {
  url: string;
  /** Whether a phone on the venue's network can open `url`; the console shows why not. */
  reachable: Reachability;
  /** For the start-up text, in Ukrainian and English, when the facilitator has something to fix. */
  warning?: string;
}

/**
 * The base URL phones are given. PUBLIC_URL when set: whoever set it knows the way in (a reverse
 * proxy may well forward to a server on 127.0.0.1). Else it depends on HOST:
 * - every interface (the default): http://<LAN address>:<port>; with no network at all, the
 *   machine's mDNS name, with a warning, as it only works once the laptop joins a network;
 * - one address of this computer: that address, the only one the server answers on;
 * - a loopback address: no phone can reach the server at all. A LAN address in the QR would then
 *   be a lie (the server does not listen there: the phone would see "connection refused" and the
 *   hall would blame the Wi-Fi), so phones keep the loopback address, which is at least true (it
 *   opens on this laptop), and the answer is marked unreachable with a sentence that says what to
 *   change. The start-up text and the console both show it.
 */
export function phoneBaseUrl(port: number, publicUrl?: string, host = '0.0.0.0'): PhoneBase {
  // "{port}" in PUBLIC_URL stands for the port actually bound (useful with PORT=0).
  if (publicUrl) return { url: publicUrl.replace('{port}', String(port)).replace(/\/+$/, ''), reachable: { ok: true } };
  if (isLoopbackHost(host)) {
    const shown = bare(host);
    return {
      url: `http://${urlHost(host)}:${port}`,
      reachable: { ok: false, why: 'loopback', host: shown },
      warning: `Телефони не дістануться до цього сервера: він слухає лише ${shown}. Задайте HOST=0.0.0.0 (типове значення) або PUBLIC_URL. / Phones cannot reach this server: it listens on ${shown} only. Set HOST=0.0.0.0 (the default) or PUBLIC_URL.`,
    };
  }
  if (!isWildcardHost(host)) return { url: `http://${urlHost(host)}:${port}`, reachable: { ok: true } };
  const address = lanAddress();
  if (address) return { url: `http://${address}:${port}`, reachable: { ok: true } };
  const name = `${hostname()}.local`;
  return {
    url: `http://${name}:${port}`,
    reachable: { ok: false, why: 'noLan', host: name },
    warning: 'Адреси в локальній мережі не знайдено: під’єднайте ноутбук до мережі залу або задайте PUBLIC_URL. / No LAN address found: connect this laptop to the venue network, or set PUBLIC_URL.',
  };
}
