// Dots tapped and not yet saved. A tap counts on screen at once and joins a queue sent one at a
// time, in order, so "add, then take off" reaches the server in the order it was tapped. While the
// connection is down the queue waits: send() resends each action with its id once the phone is
// back, so a tap is done once. Nothing is greyed out meanwhile: the phone goes on counting with the
// taps it holds, within the budget and the cap the server will check again.

import { create } from 'zustand';
import { send } from '../lib/connection.js';
import { useToasts } from '../lib/ui.js';
import { usePhone } from './store.js';

export interface PendingDot {
  ideaId: string;
  delta: 1 | -1;
}

/** How the last finished tap went: saved, or refused and why. */
export type Outcome = { ideaId: string; ok: true } | { ideaId: string; ok: false; message: string };

interface PendingState {
  queue: PendingDot[];
  last: Outcome | null;
}

export const usePending = create<PendingState>(() => ({ queue: [], last: null }));

let draining = false;

/** Puts a dot on an idea (+1) or takes one off (−1). */
export function tapDot(ideaId: string, delta: 1 | -1): void {
  usePending.setState((s) => ({ queue: [...s.queue, { ideaId, delta }] }));
  void drain();
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    for (let op = usePending.getState().queue[0]; op; op = usePending.getState().queue[0]) {
      const payload = { ideaId: op.ideaId };
      const ack =
        op.delta > 0 ? await send('dot:place', payload, { idempotent: true }) : await send('dot:remove', payload, { idempotent: true });
      const last: Outcome = ack.ok ? { ideaId: op.ideaId, ok: true } : { ideaId: op.ideaId, ok: false, message: ack.error.message };
      // The ack's view already holds this dot: it leaves the queue in the same step, so it is never counted twice.
      if (ack.ok) usePhone.setState({ me: ack.data.me });
      usePending.setState((s) => ({ queue: s.queue.slice(1), last }));
      if (!ack.ok) useToasts.getState().show(ack.error.message, 'error');
    }
  } finally {
    draining = false;
  }
}

/** The dots this phone's queue adds to (or takes from) each idea. */
export function pendingByIdea(queue: readonly PendingDot[]): Map<string, number> {
  const byIdea = new Map<string, number>();
  for (const op of queue) byIdea.set(op.ideaId, (byIdea.get(op.ideaId) ?? 0) + op.delta);
  return byIdea;
}
