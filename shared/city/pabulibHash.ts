// The SHA-256 of a published ballot list (pabulib.ts writes its canonical text), as 64 lowercase
// hex digits over the text's UTF-8 bytes, for the canonical results. Web Crypto, which Node 20 and
// every browser have, so the voting page can check a downloaded file the same way the server does.

export async function pabulibSha256(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
