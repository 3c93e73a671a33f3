// Pieces every page shares: the language switch, the connection banner and spoken status toasts.

import { useEffect } from 'react';
import { create } from 'zustand';
import { useConnection } from './connection.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import { useLang, useT } from './i18n.js';

export function LanguageToggle() {
  const t = useT();
  const { lang, setLang } = useLang();
  return (
    <button
      type="button"
      className="lang-toggle"
      lang={lang === 'uk' ? 'en' : 'uk'}
      aria-label={t('common.languageLabel')}
      onClick={() => setLang(lang === 'uk' ? 'en' : 'uk')}
    >
      {t('common.language')}
    </button>
  );
}

/**
 * Shown while the server cannot be reached, or when it refused this page for good. `offline` is
 * what the page says while cut off: each page promises only what it does (a phone keeps its taps
 * and resends them; the other pages do not).
 */
/** `offlineText`, when given, says what this page holds while offline, in place of the `offline` message. */
export function ConnectionBanner({ offline = 'common.offline', offlineText }: { offline?: MessageKey; offlineText?: string }) {
  const t = useT();
  const { status, refused } = useConnection();
  if (refused?.code === 'PROTOCOL_MISMATCH') {
    return (
      <div className="banner banner-error" role="alert">
        {t('common.outdated')}{' '}
        <button type="button" onClick={() => window.location.reload()}>
          {t('common.reload')}
        </button>
      </div>
    );
  }
  if (refused) return null;
  if (status === 'offline') {
    return (
      <div className="banner banner-warn" role="status">
        {offlineText ?? t(offline)}
      </div>
    );
  }
  return null;
}

export interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error' | 'info';
}

interface ToastState {
  toasts: Toast[];
  show(text: string, kind?: Toast['kind']): void;
  dismiss(id: number): void;
}

let nextToast = 1;

export const useToasts = create<ToastState>((set) => ({
  toasts: [],
  show(text, kind = 'info') {
    const id = nextToast++;
    set((s) => ({ toasts: [...s.toasts.slice(-2), { id, text, kind }] }));
    // Long enough to read at an unhurried pace: about 60 ms a character on top of a base,
    // longer for errors, and never more than 15 s (each toast can also be closed).
    const ms = Math.min(15_000, (kind === 'error' ? 6000 : 3000) + text.length * 60);
    setTimeout(() => set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) })), ms);
  },
  dismiss(id) {
    set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) }));
  },
}));

export function Toasts() {
  const t = useT();
  const { toasts, dismiss } = useToasts();
  return (
    <div className="toasts" aria-live="polite" aria-atomic="false">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span>{toast.text}</span>
          <button type="button" className="toast-close" aria-label={t('common.close')} onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** Keeps the document title in the page's language. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
