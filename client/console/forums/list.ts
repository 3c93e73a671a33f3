// The forum list's connection and state: the console at the server's own address (/console)
// talks in the main namespace, receives every forum with the log of whole forums, and sends the
// list's commands (create, archive, delete, a grant for its links).

import { useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { create } from 'zustand';
import type { RuleError } from '../../../shared/forum/errors.js';
import { errorMessage } from '../../../shared/i18n/errors.js';
import type { Ack, AckError, ForumsView, ListCommandName, ListCommandPayload, ListCommandResults } from '../../../shared/protocol.js';
import { connect, useConnection } from '../../lib/connection.js';
import { useLang } from '../../lib/i18n.js';
import { useConsole } from '../store.js';

interface ForumListState {
  /** Null until the first `forums` event arrives. */
  view: ForumsView | null;
  /** A forum just created or imported: its row takes the focus once the list shows it. */
  focusForum: string | null;
  setFocusForum(forumId: string | null): void;
}

export const useForumList = create<ForumListState>((set) => ({
  view: null,
  focusForum: null,
  setFocusForum: (focusForum) => set({ focusForum }),
}));

let socket: Socket | null = null;

/** Opens the list's connection with the facilitator's key (read again at every reconnect). */
export function startForumList(): void {
  const s = connect('console', () => ({ key: useConsole.getState().key }));
  s.on('forums', (view) => useForumList.setState({ view }));
  socket = s as unknown as Socket;
}

/** Creating a forum from a long shortlist writes many events: it may take longer than a click. */
const TIMEOUTS: Partial<Record<ListCommandName, number>> = { 'forums:create': 20_000 };

/**
 * Sends one of the list's commands and resolves with its ack; a command the server did not answer
 * in time resolves as TIMEOUT (none of them is resent: the list shows whether it happened).
 */
export async function sendList<N extends ListCommandName>(name: N, payload: ListCommandPayload<N>): Promise<Ack<ListCommandResults[N]>> {
  const lang = useLang.getState().lang;
  if (!socket) return { ok: false, error: { code: 'TIMEOUT', message: errorMessage(lang, { code: 'TIMEOUT' }) } };
  try {
    const ack = (await socket.timeout(TIMEOUTS[name] ?? 8000).emitWithAck(name, payload)) as Ack<ListCommandResults[N]>;
    return ack.ok ? ack : { ok: false, error: { ...ack.error, message: inPageLanguage(ack.error) } };
  } catch {
    return { ok: false, error: { code: 'TIMEOUT', message: errorMessage(lang, { code: 'TIMEOUT' }) } };
  }
}

/**
 * A refusal in the page's language now: the server words it in the language of the handshake, and
 * the language may have been switched since. Its own wording stays for a code this page does not know.
 */
function inPageLanguage(error: AckError): string {
  const local = errorMessage(useLang.getState().lang, { code: error.code, params: error.params } as RuleError);
  return local === `err.${error.code}` ? error.message : local;
}

const REFRESH_MS = 4 * 60_000;

/**
 * A short-lived grant for the list's download links, asked for while online and again every
 * 4 minutes (grants last 10); null while there is none. As the forum console's grants, it keeps
 * the key out of every link.
 */
export function useListGrant(): string | null {
  const online = useConnection((s) => s.status === 'online');
  const [grant, setGrant] = useState<string | null>(null);
  useEffect(() => {
    if (!online) {
      setGrant(null);
      return;
    }
    let live = true;
    const ask = async () => {
      const ack = await sendList('forums:grant', {});
      if (live) setGrant(ack.ok ? ack.data.grant : null);
    };
    void ask();
    const timer = setInterval(() => void ask(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [online]);
  return grant;
}
