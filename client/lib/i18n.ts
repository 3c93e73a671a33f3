// The page's language: Ukrainian unless this device chose English; kept per device.

import { create } from 'zustand';
import { t as translate, type MessageKey, type Params } from '../../shared/i18n/index.js';
import type { Lang } from '../../shared/protocol.js';
import { load, save } from './storage.js';

const KEY = 'viche.lang';

function initialLang(): Lang {
  const stored = load(KEY);
  return stored === 'en' || stored === 'uk' ? stored : 'uk';
}

interface LangState {
  lang: Lang;
  setLang(lang: Lang): void;
}

export const useLang = create<LangState>((set) => ({
  lang: initialLang(),
  setLang(lang) {
    save(KEY, lang);
    document.documentElement.lang = lang;
    set({ lang });
  },
}));

document.documentElement.lang = useLang.getState().lang;

export type T = (key: MessageKey, params?: Params) => string;

/** The translate function for the current language; re-renders when it changes. */
export function useT(): T {
  const lang = useLang((s) => s.lang);
  return (key, params) => translate(lang, key, params);
}
