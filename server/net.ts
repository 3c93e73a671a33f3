// Finding the address phones can reach: the laptop's LAN address, never localhost.

import { hostname, networkInterfaces } from 'node:os';

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

/**
 * The base URL phones are given: PUBLIC_URL when set, else http://<LAN address>:<port>. With no
 * network at all, the machine's mDNS name, with a warning for the facilitator.
 */
export function phoneBaseUrl(port: number, publicUrl?: string): { url: string; warning?: string } {
  // "{port}" in PUBLIC_URL stands for the port actually bound (useful with PORT=0).
  if (publicUrl) return { url: publicUrl.replace('{port}', String(port)).replace(/\/+$/, '') };
  const address = lanAddress();
  if (address) return { url: `http://${address}:${port}` };
  return {
    url: `http://${hostname()}.local:${port}`,
    warning: 'No LAN address found: connect this laptop to the venue network, or set PUBLIC_URL.',
  };
}
