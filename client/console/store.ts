// The console's state: who this console is (the facilitator, or a table host), its secret, and the
// latest view the server pushed.
//
// The facilitator's console opens from /console?key=KEY, a host's from /console?host=SECRET (the
// invitation's link). The secret is moved at once from the address bar into this tab's
// sessionStorage: a reload in the same tab still works, but the secret does not linger in the
// address bar, the browser's history or a screen shared with the hall. The two are kept under
// separate names, so a host's secret is never sent as the facilitator's key; a tab is one console
// at a time, and opening the other kind of link in it forgets the first.

import { create } from 'zustand';
import type { ConsoleView } from '../../shared/protocol.js';

const KEY_STORAGE = 'viche.consoleKey';
const HOST_STORAGE = 'viche.hostSecret';
/** Set when a host's secret was refused: a reload then says so, rather than asking for a key. */
const HOST_REFUSED = 'viche.hostRefused';

export type ConsoleRole = 'console' | 'host';

function load(name: string): string | null {
  try {
    return window.sessionStorage.getItem(name);
  } catch {
    return null;
  }
}

function store(name: string, value: string | null): void {
  try {
    if (value === null) window.sessionStorage.removeItem(name);
    else window.sessionStorage.setItem(name, value);
  } catch {
    /* private modes may refuse: the secret then lasts as long as the page */
  }
}

/** The secret from the address (then taken out of it), else the one this tab kept. */
function initialSecret(): { role: ConsoleRole; key: string } {
  const url = new URL(window.location.href);
  const host = url.searchParams.get('host');
  const key = url.searchParams.get('key');
  if (host !== null || key !== null) {
    url.searchParams.delete('host');
    url.searchParams.delete('key');
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    store(HOST_REFUSED, null);
  }
  if (host !== null) {
    store(HOST_STORAGE, host);
    store(KEY_STORAGE, null);
    return { role: 'host', key: host };
  }
  if (key !== null) {
    store(KEY_STORAGE, key);
    store(HOST_STORAGE, null);
    return { role: 'console', key };
  }
  const kept = load(HOST_STORAGE);
  if (kept !== null) return { role: 'host', key: kept };
  if (load(HOST_REFUSED) !== null) return { role: 'host', key: '' };
  return { role: 'console', key: load(KEY_STORAGE) ?? '' };
}

export interface ConsoleState {
  /** `host`: opened from a host's invitation; the key is then its secret. */
  role: ConsoleRole;
  key: string;
  /** Null until the first `console` event arrives. */
  view: ConsoleView | null;
  /**
   * The default word list as the server sent it while it was in force, so that "restore the
   * default" can send it back; null when this page has not seen it (the list was changed before).
   */
  defaultWords: string[] | null;
  /** After a key rotation: the new key is used from the next (re)connect on. */
  setKey(key: string): void;
  /** The server refused the key: a reload should not try it again. */
  forgetKey(): void;
  /** Stores a view pushed by the server. */
  receive(view: ConsoleView): void;
}

const initial = initialSecret();

export const useConsole = create<ConsoleState>((set, get) => ({
  role: initial.role,
  key: initial.key,
  view: null,
  defaultWords: null,
  setKey(key) {
    store(get().role === 'host' ? HOST_STORAGE : KEY_STORAGE, key);
    set({ key });
  },
  forgetKey() {
    if (get().role === 'host') {
      store(HOST_STORAGE, null);
      store(HOST_REFUSED, '1');
    } else store(KEY_STORAGE, null);
  },
  receive(view) {
    const defaultWords = view.wordList.isDefault && !get().defaultWords ? [...view.wordList.words] : get().defaultWords;
    set({ view, defaultWords });
  },
}));

/** The view, for components rendered only once it has arrived. */
export function useView(): ConsoleView {
  const view = useConsole((s) => s.view);
  if (!view) throw new Error('console view not loaded');
  return view;
}
