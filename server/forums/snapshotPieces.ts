// A checked snapshot carried from the worker thread that checked it to the server's event loop in
// pieces: its long lists cut into pieces of a hundred KiB or so of JSON, all in one buffer handed
// over without a copy, and the rest (the skeleton) as one small JSON text. The event loop parses
// a piece a turn, as the forum file's events come back (fileReader.ts), where JSON.parse of a
// city vote's whole 57.6 MiB held it for a second.

import type { ForumSnapshot } from '../../shared/forum/snapshot.js';
import type { Turns } from './turns.js';

export interface SnapshotPieces {
  /** The snapshot with every long list left empty, as JSON. */
  skeleton: string;
  /** The lists left empty, in the order their pieces come: where each is, and in how many pieces. */
  lists: { path: (string | number)[]; pieces: number }[];
  /** Every piece's items as JSON with a comma between them, the pieces one after another, in UTF-8. */
  bytes: Uint8Array;
  /** Where each piece starts in `bytes`. */
  starts: Int32Array;
}

/** Lists of more items than this are cut into pieces. */
const LONG_LIST = 256;
/** Characters of JSON in a piece, about: a few milliseconds to parse. */
const PIECE_CHARS = 128 * 1024;

/** A snapshot (as JSON.parse gave it) in pieces; nothing of it changed. */
export function piecesOf(snapshot: unknown): SnapshotPieces {
  const lists: SnapshotPieces['lists'] = [];
  const texts: string[] = [];
  const starts: number[] = [];
  let at = 0;
  const cut = (value: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(value)) {
      if (value.length <= LONG_LIST) return value.map((v, i) => cut(v, [...path, i]));
      let pieces = 0;
      let piece: string[] = [];
      let size = 0;
      const close = () => {
        const text = piece.join(',');
        starts.push(at);
        texts.push(text);
        at += Buffer.byteLength(text) + 1;
        pieces++;
        piece = [];
        size = 0;
      };
      for (const item of value) {
        const json = JSON.stringify(item);
        piece.push(json);
        size += json.length;
        if (size >= PIECE_CHARS) close();
      }
      if (piece.length > 0) close();
      lists.push({ path, pieces });
      return [];
    }
    // Object.fromEntries makes each key an own property, "__proto__" included, as JSON.parse did.
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cut(v, [...path, k])]));
    return value;
  };
  const skeleton = JSON.stringify(cut(snapshot, []));
  const joined = Buffer.from(texts.join(','));
  // A buffer of its own, so the whole of its memory can be handed over.
  const bytes = new Uint8Array(joined.byteLength);
  bytes.set(joined);
  return { skeleton, lists, bytes, starts: Int32Array.from(starts) };
}

/** The snapshot put together again from its pieces, a piece at a time, a pass of the loop when due. */
export async function snapshotFromPieces(p: SnapshotPieces, turns: Turns): Promise<ForumSnapshot> {
  const snapshot = JSON.parse(p.skeleton) as ForumSnapshot;
  const decoder = new TextDecoder();
  let piece = 0;
  for (const { path, pieces } of p.lists) {
    const list = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], snapshot) as unknown[];
    for (let i = 0; i < pieces; i++, piece++) {
      const end = piece + 1 < p.starts.length ? p.starts[piece + 1] - 1 : p.bytes.byteLength;
      for (const item of JSON.parse(`[${decoder.decode(p.bytes.subarray(p.starts[piece], end))}]`) as unknown[]) list.push(item);
      await turns.check();
    }
  }
  return snapshot;
}
