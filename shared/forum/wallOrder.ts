// The order of a priority's ideas on the wall (newest first while ideas are proposed, a device's
// own while voting), and the search over them. Pure and shared: the server pages and searches the
// wall (server/realtime/wallPages.ts), the phone keeps what it is sent in the same order.
//
// Every device sees each priority's ideas in an order of its own, so that no idea wins dots for
// being first on every phone. The order comes from the participant's id, so it stays put across
// reloads. Each idea gets its own random key (hash of participant, priority and idea id, through
// mulberry32) and the list is sorted by it: an idea that appears later (restored by a moderator)
// slots in somewhere without moving the others relative to each other, which a Fisher-Yates shuffle
// of the whole list would not do.

/** Pages of the wall hold this many ideas; a phone asks for more a page at a time. */
export const WALL_PAGE_SIZE = 20;
/**
 * The most pages a phone may hold of one priority's wall. Here rather than beside the protocol's
 * schemas, so that the phone reads it without loading the schema library.
 */
export const WALL_MAX_PAGES = 50;

/** FNV-1a over the UTF-16 code units, 32 bits: small and good enough to seed a generator. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny seeded generator of numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An idea's place in a device's order of a priority: the list is sorted by it. The hash of the
 * seed and priority and the idea's own are mixed by mulberry32, so that the server, ordering a
 * priority of a thousand ideas for each of thousands of phones, hashes each idea's id once.
 */
export const deviceKey = (seed: string, priorityCode: string, ideaId: string): number => keyFrom(orderSeed(seed, priorityCode), hash32(ideaId));

/** The part of a device's key that comes from the device and the priority. */
export const orderSeed = (seed: string, priorityCode: string): number => hash32(`${seed}|${priorityCode}`);

/** A device's key of an idea from the order's seed and the hash of the idea's id. */
export const keyFrom = (orderSeed: number, ideaHash: number): number => mulberry32((orderSeed ^ ideaHash) >>> 0)();

/**
 * The items in this device's order for this priority. Deterministic: same seed, same order. The
 * seed is the participant's id: the server pages the wall in the same order (wallPages.ts).
 */
export function deviceOrder<T extends { id: string }>(items: readonly T[], seed: string, priorityCode: string): T[] {
  const keyed = items.map((item) => ({ item, key: deviceKey(seed, priorityCode, item.id) }));
  keyed.sort((a, b) => a.key - b.key || (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0));
  return keyed.map((k) => k.item);
}

/** Newest first; ideas of the same millisecond by id. */
export const newestFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** A list this short is read at a glance; a search box above it would only be in the way. */
export const SEARCH_FROM = 6;

/**
 * Text as search compares it: lower case, every apostrophe alike (residents type ', ’ or ʼ for the
 * same letter), spaces collapsed.
 */
export function searchable(text: string): string {
  return text
    .toLocaleLowerCase('uk')
    .replace(/['’ʼ`´‘]/g, '’')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether an idea matches what was typed: every word somewhere in its title, description or place. */
export function matches(idea: { title: string; description: string; place: string }, query: string): boolean {
  const words = searchable(query).split(' ').filter(Boolean);
  if (words.length === 0) return true;
  const haystack = searchable(`${idea.title}\n${idea.description}\n${idea.place}`);
  return words.every((w) => haystack.includes(w));
}
