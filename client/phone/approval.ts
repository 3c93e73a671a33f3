// A join that waits for the facilitator (the hall full, or joining paused after a burst): the phone
// keeps the code and name it joined with, so that after a reload or a dropped connection it asks
// again and the server, knowing its token, keeps it in the queue; the ballot then arrives by itself.

import type { Ack, CommandResults } from '../../shared/protocol.js';
import { send } from '../lib/connection.js';
import { forumSlug } from '../lib/forum.js';
import { load, save } from '../lib/storage.js';
import { useToasts } from '../lib/ui.js';
import { usePhone } from './store.js';
import { deviceToken } from './token.js';

const key = (): string => `viche.waiting.${forumSlug() || '1'}`;

/** Sends the join and takes its answer: the ballot, the queue, or a refusal (returned as its message). */
export async function join(code: string, name: string): Promise<string | null> {
  // A join under the device's token is the same join however often it arrives: one cut off with its
  // connection (its process restarted, the Wi-Fi dropped) goes again on the next, not after a timeout.
  const ack = await send('participant:join', { code, name, token: deviceToken() }, { againOnDrop: true });
  return settle(ack, code, name);
}

function settle(ack: Ack<CommandResults['participant:join']>, code: string, name: string): string | null {
  if (ack.ok) {
    save(key(), null);
    usePhone.setState({ me: ack.data.me, joining: null });
    return null;
  }
  if (ack.error.code === 'AWAITING_APPROVAL') {
    save(key(), JSON.stringify({ code, name }));
    usePhone.setState({ joining: { waiting: true } });
    return null;
  }
  save(key(), null);
  if (ack.error.code === 'JOIN_REFUSED') {
    usePhone.setState({ joining: { waiting: false, refused: ack.error.message } });
    return null;
  }
  usePhone.setState({ joining: null });
  return ack.error.message;
}

/** The server's join form put this device in the queue: kept as a join of this page's would be. */
export function adoptWaiting(code: string, name: string): void {
  save(key(), JSON.stringify({ code, name }));
}

/** At each (re)connect of a device that has not joined: if it was waiting, it asks again to stay in the queue. */
export async function resumeWaiting(): Promise<void> {
  const held = load(key());
  if (!held) return;
  let saved: { code: string; name: string };
  try {
    saved = JSON.parse(held) as { code: string; name: string };
  } catch {
    save(key(), null);
    return;
  }
  usePhone.setState({ joining: { waiting: true } });
  const message = await join(saved.code, saved.name);
  // The queue was lost (the server restarted) and the code has changed since: back to the form, saying why.
  if (message) useToasts.getState().show(message, 'error');
}

/** This device holds a ballot: whatever it waited for is over (approved now, or while the page was closed). */
export function holdsBallot(): void {
  if (usePhone.getState().joining || load(key())) approvalSettled(null);
}

/** The facilitator approved: the ballot came by itself. Or turned this device away. */
export function approvalSettled(refused: string | null): void {
  save(key(), null);
  usePhone.setState({ joining: refused ? { waiting: false, refused } : null });
}
