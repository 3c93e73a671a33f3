// Every action id a forum has ever taken, so that an old id sent again for another action is
// refused (ACTION_ID_REUSED) however long ago it was used. The room remembers in full (to answer a
// resend as done) only the actions of the last hours, and a participant's last ACTIONS_REMEMBERED
// (doneActions.ts); the ids beyond them live here.
//
// The database kept them once, in a unique index: at 5,000 phones it cost each batch a random
// page of that index per action, half of every commit's time. Here an id is 64 bits of hash in
// two flat arrays (a forum of 110,000 actions: 2 MiB), rebuilt from the event log when a forum
// opens. Two different ids share a hash with odds of about 1 in 3 × 10⁹ in such a forum; the
// one that comes second would be refused as reused, and a new tap sends a new id.

const EMPTY = 0;

/** Two independent 32-bit hashes of `key` (FNV-1a, and a multiply-rotate mix), never both 0. */
function hash64(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  a >>>= 0;
  b >>>= 0;
  return a === EMPTY && b === EMPTY ? [1, 0] : [a, b];
}

/** A set of action ids kept as 64-bit hashes, open addressing, at most half full. */
export class ActionKeys {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Whether `key` was added (or, rarely, another id with the same 64 bits). */
  has(key: string): boolean {
    const [a, b] = hash64(key);
    return this.slot(a, b) >= 0;
  }

  add(key: string): void {
    const [a, b] = hash64(key);
    if (this.slot(a, b) >= 0) return;
    if ((this.count + 1) * 2 > this.hi.length) this.grow();
    this.place(a, b);
    this.count++;
  }

  /** The slot holding (a, b), or -1. */
  private slot(a: number, b: number): number {
    const mask = this.hi.length - 1;
    for (let i = b & mask; ; i = (i + 1) & mask) {
      const h = this.hi[i];
      const l = this.lo[i];
      if (h === a && l === b) return i;
      if (h === EMPTY && l === EMPTY) return -1;
    }
  }

  private place(a: number, b: number): void {
    const mask = this.hi.length - 1;
    let i = b & mask;
    while (this.hi[i] !== EMPTY || this.lo[i] !== EMPTY) i = (i + 1) & mask;
    this.hi[i] = a;
    this.lo[i] = b;
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    for (let i = 0; i < hi.length; i++) if (hi[i] !== EMPTY || lo[i] !== EMPTY) this.place(hi[i], lo[i]);
  }
}
