// The projector's state: the last view the server pushed, and its display key.
//
// The projector opens from /screen?key=KEY. The key is moved at once from the address bar into
// this tab's sessionStorage, as the console does with its own: a reload in the same tab still
// works, but the key does not stay in the address bar, the browser's history, or on the big screen
// when the browser shows its address. A key the server refused is forgotten.

import { create } from 'zustand';
import type { ScreenView } from '../../shared/protocol.js';

/** Per forum: a browser may hold the projectors of two forums in two tabs. */
const KEY_STORAGE = `viche.screenKey:${window.location.pathname}`;

function kept(): string | null {
  try {
    return window.sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

function keep(value: string | null): void {
  try {
    if (value === null) window.sessionStorage.removeItem(KEY_STORAGE);
    else window.sessionStorage.setItem(KEY_STORAGE, value);
  } catch {
    /* private modes may refuse: the key then lasts as long as the page */
  }
}

/** The key from the address (then taken out of it), else the one this tab kept; '' when none. */
function initialKey(): string {
  const url = new URL(window.location.href);
  const key = url.searchParams.get('key');
  if (key === null) return kept() ?? '';
  url.searchParams.delete('key');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  keep(key);
  return key;
}

export interface ScreenState {
  view: ScreenView | null;
  /** The display key this page connects with; '' when it was opened without one. */
  key: string;
  /** The server refused the key: a reload should not try it again. */
  forgetKey(): void;
}

export const useScreen = create<ScreenState>((set) => ({
  view: null,
  key: initialKey(),
  forgetKey() {
    keep(null);
    set({ key: '' });
  },
}));
