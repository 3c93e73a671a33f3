// The projector's state: the last view the server pushed.

import { create } from 'zustand';
import type { ScreenView } from '../../shared/protocol.js';

export const useScreen = create<{ view: ScreenView | null }>(() => ({ view: null }));
