// Unpacking what the server sends gzipped to a phone that says it can (a large page of the wall, a
// long ranking): with the browser's own DecompressionStream, nothing added to the bundle. A phone
// that fails to unpack once says so at its next connection, and is sent everything plain.

let failed = false;

/** Whether this browser can unpack gzip (and has not failed to): said at every connect. */
export const canGunzip = (): boolean => !failed && typeof DecompressionStream === 'function';

/** The JSON packed in `gz`; on failure, every later connection asks for plain. */
export async function gunzipJson<T>(gz: ArrayBuffer | Uint8Array): Promise<T> {
  try {
    const stream = new Blob([gz as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
    return JSON.parse(await new Response(stream).text()) as T;
  } catch (err) {
    failed = true;
    throw err;
  }
}
