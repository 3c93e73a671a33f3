// A view the server sends whole once, then as patches (shared/viewPatch.ts): the console's and the
// projector's. Patches are applied in order; one that does not fit the version held (a patch
// lost on a dropped connection) makes the page ask for the whole view again.

import { HeldView, type ViewPatch } from '../../shared/viewPatch.js';
import type { ConsoleView, ScreenView } from '../../shared/protocol.js';
import type { AppClientSocket } from './connection.js';

type Streams = { console: ConsoleView; screen: ScreenView };

export function trackView<K extends keyof Streams>(socket: AppClientSocket, name: K, onView: (view: Streams[K]) => void): void {
  const held = new HeldView<Streams[K]>();
  // The typed socket knows each event's payload; the two streams are handled alike.
  const untyped = socket as unknown as { on(event: string, fn: (...args: never[]) => void): void };
  untyped.on(name, (view: Streams[K], v: number) => onView(held.whole(view, v)));
  untyped.on(`${name}:patch`, (patch: ViewPatch) => {
    const next = held.patch(patch);
    if (next === 'resync') socket.emit('view:resync');
    else if (next) onView(next);
  });
}
