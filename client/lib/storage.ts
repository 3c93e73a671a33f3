// localStorage that never throws: some phones' private modes refuse it, and the page must still work.

export function load(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function save(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    /* the value lives only as long as the page; nothing else to do */
  }
}

/**
 * Random hex from crypto.getRandomValues, which works on plain http:// too (unlike
 * crypto.randomUUID, which a phone on the venue's LAN address does not have).
 */
export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}
