// A view the server sends whole once, then as patches (shared/viewPatch.ts): the console's and the
// projector's. Patches are applied in order; one that does not fit the version held (a patch
// lost on a dropped connection) makes the page ask for the whole view again.

import { applyPatch, type ViewPatch } from '../../shared/viewPatch.js';
import type { ConsoleView, ScreenView } from '../../shared/protocol.js';
import type { AppClientSocket } from './connection.js';

type Streams = { console: ConsoleView; screen: ScreenView };

export function trackView<K extends keyof Streams>(socket: AppClientSocket, name: K, onView: (view: Streams[K]) => void): void {
  let current: Streams[K] | null = null;
  let version = 0;
  let resyncing = false;
  const full = (view: Streams[K], v: number) => {
    current = view;
    version = v;
    resyncing = false;
    onView(view);
  };
  const patched = (patch: ViewPatch) => {
    if (!current || resyncing) return;
    if (patch.base !== version) {
      if (patch.v > version) {
        resyncing = true;
        socket.emit('view:resync');
      }
      return;
    }
    current = applyPatch(current, patch);
    version = patch.v;
    onView(current);
  };
  // The typed socket knows each event's payload; the two streams are handled alike.
  const untyped = socket as unknown as { on(event: string, fn: (...args: never[]) => void): void };
  untyped.on(name, full);
  untyped.on(`${name}:patch`, patched);
}
