// The console's state: the facilitator key from the URL and the latest view the server pushed.

import { create } from 'zustand';
import type { ConsoleView } from '../../shared/protocol.js';

export interface ConsoleState {
  key: string;
  /** Null until the first `console` event arrives. */
  view: ConsoleView | null;
}

export const useConsole = create<ConsoleState>(() => ({
  key: new URLSearchParams(window.location.search).get('key') ?? '',
  view: null,
}));

/** The view, for components rendered only once it has arrived. */
export function useView(): ConsoleView {
  const view = useConsole((s) => s.view);
  if (!view) throw new Error('console view not loaded');
  return view;
}
