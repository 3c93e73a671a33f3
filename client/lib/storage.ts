// localStorage that never throws: some phones' private modes refuse it, and the page must still work.

export function load(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Whether the value was kept: false when the browser refuses storage or it is full. */
export function save(key: string, value: string | null): boolean {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
    return true;
  } catch {
    /* the value lives only as long as the page; the caller says so where it matters */
    return false;
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
