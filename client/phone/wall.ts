// The wall of ideas on this phone, kept in step with the server's: the whole wall at connect (its
// JSON gzipped when large, unpacked here), then patches, each with the wall's version. The version
// is sent at every reconnect, so that after a dropped connection only what changed comes again.
// A gzipped wall is unpacked asynchronously; patches that arrive meanwhile wait their turn.

import type { IdeasAll, IdeasPatch, PublicIdea, WallHeld } from '../../shared/protocol.js';
import { usePhone } from './store.js';

let unpackFailed = false;

/** Whether this browser can unpack a gzipped wall (and has not failed to). */
export const canGunzip = (): boolean => !unpackFailed && typeof DecompressionStream === 'function';

/** What the handshake says of the wall held, if any. */
export const heldWall = (): WallHeld | undefined => usePhone.getState().wall ?? undefined;

async function unpack(gz: ArrayBuffer | Uint8Array): Promise<PublicIdea[]> {
  const stream = new Blob([gz as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text()) as PublicIdea[];
}

// Messages are applied in the order they came.
let queue: Promise<void> = Promise.resolve();
const inTurn = (step: () => void | Promise<void>) => {
  queue = queue.then(step).catch(() => {});
};

export function receiveWall(wall: IdeasAll, reconnect: () => void): void {
  inTurn(async () => {
    let ideas = wall.ideas;
    if (!ideas && wall.gz) {
      try {
        ideas = await unpack(wall.gz);
      } catch {
        // Not unpacked: ask again, for the wall as plain JSON.
        unpackFailed = true;
        usePhone.setState({ wall: null });
        reconnect();
        return;
      }
    }
    usePhone.setState({ ideas: ideas ?? [], wall: { epoch: wall.epoch, v: wall.v } });
  });
}

export function receivePatch(patch: IdeasPatch): void {
  inTurn(() => applyIdeasPatch(patch));
}

function applyIdeasPatch(patch: IdeasPatch): void {
  usePhone.setState((s) => {
    const byId = new Map(s.ideas.map((i) => [i.id, i]));
    for (const id of patch.removed) byId.delete(id);
    for (const idea of patch.upserts) byId.set(idea.id, idea);
    return { ideas: [...byId.values()], wall: s.wall ? { ...s.wall, v: patch.v } : null };
  });
}
