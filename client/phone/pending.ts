// Dots tapped and not yet saved. A tap counts on screen at once and joins a queue sent one at a
// time, in order, so "add, then take off" reaches the server in the order it was tapped. Each tap
// gets its action id when tapped, and the queue is kept on the phone (localStorage) with the ids, so
// a reload or a closed tab sends the same taps again under the same ids: the server does each once,
// answering a resend of one already saved as done (`duplicate`). A tap leaves the queue only on the
// server's answer; without one it is sent again at every reconnect, however many, because it may
// have been saved. A browser that refuses storage keeps the queue for as long as the page is open,
// and the banner says so. Nothing is greyed out meanwhile: the phone goes on counting with the taps
// it holds, within the budget and the cap the server will check again.

import { create } from 'zustand';
import { t } from '../../shared/i18n/index.js';
import { send } from '../lib/connection.js';
import { forumSlug } from '../lib/forum.js';
import { useLang } from '../lib/i18n.js';
import { load, randomHex, save } from '../lib/storage.js';
import { useToasts } from '../lib/ui.js';
import { usePhone } from './store.js';
import { deviceToken } from './token.js';

export interface PendingDot {
  ideaId: string;
  delta: 1 | -1;
  /** Sent with every attempt, so that the server does the tap once however often it arrives. */
  actionId: string;
  /** When it was tapped (ms since the epoch): a tap older than MAX_AGE_MS is not sent after a reload. */
  at: number;
  /** Left by an earlier page, which may have sent it: a momentary refusal does not settle it. */
  restored?: true;
}

/** How the last finished tap went: saved, or refused and why. */
export type Outcome = { ideaId: string; ok: true } | { ideaId: string; ok: false; message: string };

interface PendingState {
  queue: PendingDot[];
  last: Outcome | null;
  /** Whether the queue as it stands is kept on the phone (false: only while this page is open). */
  kept: boolean;
}

/**
 * A queue longer than this is not a person voting (a budget is a handful of dots per priority): a
 * tap beyond it is refused on the spot rather than kept where it may not fit.
 */
export const MAX_QUEUED = 60;
/**
 * Taps older than a forum's evening are not sent after a reload: the vote they belonged to is over.
 * The server remembers a saved tap for longer (server/forum/doneActions.ts), to answer it as done.
 */
const MAX_AGE_MS = 12 * 60 * 60 * 1000;

/** One queue per forum, as one token per forum (token.ts). */
const queueKey = (): string => `viche.pending.${forumSlug() ?? '1'}`;

interface StoredQueue {
  token: string;
  taps: PendingDot[];
}

/** The taps kept by this phone for this forum and this device's token, young enough to send. */
function restore(): PendingDot[] {
  const raw = load(queueKey());
  if (!raw) return [];
  try {
    const stored = JSON.parse(raw) as Partial<StoredQueue>;
    if (stored.token !== deviceToken() || !Array.isArray(stored.taps)) return [];
    const now = Date.now();
    return stored.taps
      .filter(
        (op): op is PendingDot =>
          typeof op?.ideaId === 'string' &&
          (op.delta === 1 || op.delta === -1) &&
          typeof op.actionId === 'string' &&
          /^[0-9a-f]{8,64}$/.test(op.actionId) &&
          typeof op.at === 'number' &&
          now - op.at < MAX_AGE_MS,
      )
      .slice(0, MAX_QUEUED);
  } catch {
    return [];
  }
}

/** Writes the queue down; false when the browser would not keep it. */
function persist(queue: readonly PendingDot[]): boolean {
  if (queue.length === 0) return save(queueKey(), null);
  return save(queueKey(), JSON.stringify({ token: deviceToken(), taps: [...queue] } satisfies StoredQueue));
}

export const usePending = create<PendingState>(() => ({ queue: [], last: null, kept: true }));

function setQueue(update: (queue: PendingDot[]) => PendingDot[], last?: Outcome): void {
  const queue = update(usePending.getState().queue);
  const kept = persist(queue);
  usePending.setState(last ? { queue, kept, last } : { queue, kept });
}

let draining = false;
let restored = false;

/**
 * Picks up the taps a previous page of this phone left unsent, and sends them. Called once this
 * page knows it is a participant, so they go to the ballot they were tapped on.
 */
export function resumePending(): void {
  if (restored) return;
  restored = true;
  const left = restore();
  if (left.length > 0) setQueue((queue) => [...left.map((op) => ({ ...op, restored: true as const })), ...queue]);
  else usePending.setState({ kept: persist(usePending.getState().queue) });
  void drain();
}

/** This device's participant was voided: what it tapped is not sent for it, now or after a reload. */
export function dropPending(): void {
  restored = true;
  setQueue(() => []);
}

/** Puts a dot on an idea (+1) or takes one off (−1). Refused, with a message, when the queue is full. */
export function tapDot(ideaId: string, delta: 1 | -1): void {
  if (usePending.getState().queue.length >= MAX_QUEUED) {
    useToasts.getState().show(t(useLang.getState().lang, 'phone.voting.queueFull'), 'error');
    return;
  }
  setQueue((queue) => [...queue, { ideaId, delta, actionId: randomHex(12), at: Date.now() }]);
  void drain();
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    for (let op = usePending.getState().queue[0]; op; op = usePending.getState().queue[0]) {
      const payload = { ideaId: op.ideaId };
      const options = { actionId: op.actionId, sentBefore: op.restored === true };
      // Resolves only with the server's answer about the tap: a lost one is asked again, under the same id.
      const ack = op.delta > 0 ? await send('dot:place', payload, options) : await send('dot:remove', payload, options);
      // A refusal is the server's word that the tap was not done (a rule; the disk, at its first arrival): final.
      const last: Outcome = ack.ok ? { ideaId: op.ideaId, ok: true } : { ideaId: op.ideaId, ok: false, message: ack.error.message };
      // The ack's view already holds this dot: it leaves the queue in the same step, so it is never counted twice.
      if (ack.ok) usePhone.setState({ me: ack.data.me });
      setQueue((queue) => queue.filter((q) => q.actionId !== op.actionId), last);
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
