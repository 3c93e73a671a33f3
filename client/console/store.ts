// The console's state: the facilitator key and the latest view the server pushed.
//
// The console opens from /console?key=KEY. The key is moved at once from the address bar into this
// tab's sessionStorage: a reload in the same tab still works, but the key does not linger in the
// address bar, the browser's history or a screen shared with the hall.

import { create } from 'zustand';
import type { ConsoleView } from '../../shared/protocol.js';

const KEY_STORAGE = 'viche.consoleKey';

function loadKey(): string | null {
  try {
    return window.sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

function saveKey(key: string | null): void {
  try {
    if (key === null) window.sessionStorage.removeItem(KEY_STORAGE);
    else window.sessionStorage.setItem(KEY_STORAGE, key);
  } catch {
    /* private modes may refuse: the key then lasts as long as the page */
  }
}

/** The key from the address (then taken out of it), else the one this tab kept. */
function initialKey(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('key');
  if (fromUrl === null) return loadKey() ?? '';
  saveKey(fromUrl);
  url.searchParams.delete('key');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return fromUrl;
}

export interface ConsoleState {
  key: string;
  /** Null until the first `console` event arrives. */
  view: ConsoleView | null;
  /** After a key rotation: the new key is used from the next (re)connect on. */
  setKey(key: string): void;
  /** The server refused the key: a reload should not try it again. */
  forgetKey(): void;
}

export const useConsole = create<ConsoleState>((set) => ({
  key: initialKey(),
  view: null,
  setKey(key) {
    saveKey(key);
    set({ key });
  },
  forgetKey() {
    saveKey(null);
  },
}));

/** The view, for components rendered only once it has arrived. */
export function useView(): ConsoleView {
  const view = useConsole((s) => s.view);
  if (!view) throw new Error('console view not loaded');
  return view;
}
