// Pieces every page shares: the language switch, the connection banner and spoken status toasts.

import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ConnectRefusal } from '../../shared/protocol.js';
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

/**
 * A refusal of this page's connection, as the server worded it, then the same sentence in the
 * other language when the server gave it (a forum this server does not serve: the page may not be
 * in the reader's language yet).
 */
export function RefusalText({ refused }: { refused: ConnectRefusal }) {
  return (
    <>
      {refused.message}
      {refused.other && (
        <span className="refusal-other" lang={refused.other.lang}>
          {refused.other.message}
        </span>
      )}
    </>
  );
}

export interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error' | 'info';
  /** How many times this same notice came while it was up: shown once, with "×n". */
  count: number;
}

interface ToastState {
  /** Newest first. */
  toasts: Toast[];
  show(text: string, kind?: Toast['kind']): void;
  dismiss(id: number): void;
  dismissAll(): void;
}

/** Toasts shown at once; the rest are folded into one "+N" line until these go. */
export const TOASTS_SHOWN = 2;
/** Toasts kept at all: a burst beyond this loses its oldest, which have been read out already. */
const TOASTS_KEPT = 20;

let nextToast = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

export const useToasts = create<ToastState>((set, get) => {
  const drop = (id: number) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) }));
  };
  // Long enough to read at an unhurried pace: about 60 ms a character on top of a base, longer
  // for errors, and never more than 15 s (each toast can also be closed).
  const expire = (toast: Toast) => {
    clearTimeout(timers.get(toast.id));
    const ms = Math.min(15_000, (toast.kind === 'error' ? 6000 : 3000) + toast.text.length * 60);
    timers.set(toast.id, setTimeout(() => drop(toast.id), ms));
  };
  return {
    toasts: [],
    show(text, kind = 'info') {
      // The same notice again while it is up (several dots returned at once after moderation):
      // counted on the one already there, and not read out a second time.
      const same = get().toasts.find((x) => x.text === text && x.kind === kind);
      if (same) {
        // It keeps its place: moved to the front, it would be put in its live region again.
        const counted = { ...same, count: same.count + 1 };
        set((s) => ({ toasts: s.toasts.map((x) => (x.id === same.id ? counted : x)) }));
        expire(counted);
        return;
      }
      const toast: Toast = { id: nextToast++, text, kind, count: 1 };
      const kept = [toast, ...get().toasts];
      for (const old of kept.slice(TOASTS_KEPT)) {
        clearTimeout(timers.get(old.id));
        timers.delete(old.id);
      }
      set({ toasts: kept.slice(0, TOASTS_KEPT) });
      expire(toast);
    },
    dismiss: drop,
    dismissAll() {
      for (const id of timers.values()) clearTimeout(id);
      timers.clear();
      set({ toasts: [] });
    },
  };
});

/**
 * The toasts: the newest few on screen, the rest folded (hidden from sight, still there for a
 * screen reader) and counted in one line, never more than a third of the screen high (base.css).
 * Each toast is put in its live region once, as it comes, and stays where it is until it goes:
 * folding, unfolding, counting a repeat or closing adds nothing, so nothing is read twice. Errors
 * are read at once (an alert), the rest politely.
 */
export function Toasts() {
  const t = useT();
  const { toasts, dismiss, dismissAll } = useToasts();
  const shown = new Set(toasts.slice(0, TOASTS_SHOWN).map((x) => x.id));
  const folded = toasts.length - shown.size;
  const list = (errors: boolean) =>
    toasts
      .filter((x) => (x.kind === 'error') === errors)
      .map((toast) => <ToastItem key={toast.id} toast={toast} folded={!shown.has(toast.id)} onClose={() => dismiss(toast.id)} />);
  return (
    <section className={`toasts${toasts.length > 1 ? ' many' : ''}${toasts.length === 0 ? ' empty' : ''}`} aria-label={t('toasts.label')}>
      <div className="toast-list" role="alert" aria-atomic="false" aria-relevant="additions">
        {list(true)}
      </div>
      <div className="toast-list" role="status" aria-live="polite" aria-atomic="false" aria-relevant="additions">
        {list(false)}
      </div>
      {folded > 0 && (
        <div className="toast toast-more">
          <span className="toast-text">{t('toasts.more', { count: folded })}</span>
          <button type="button" className="toast-close-all" onClick={dismissAll}>
            {t('toasts.closeAll')}
          </button>
        </div>
      )}
    </section>
  );
}

/**
 * One toast. With others up its text keeps to three lines (base.css); a tap shows the rest. The
 * whole text is in the page all along, so a screen reader finds it without the tap.
 */
function ToastItem({ toast, folded, onClose }: { toast: Toast; folded: boolean; onClose: () => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <div className={`toast toast-${toast.kind}${open ? ' open' : ''}${folded ? ' folded' : ''}`}>
      <span className="toast-text" onClick={() => setOpen((o) => !o)}>
        {toast.text}
        {toast.count > 1 && <span className="toast-count"> ×{toast.count}</span>}
      </span>
      {/* Folded, it is out of sight: no stop for the keyboard until it unfolds. */}
      <button type="button" className="toast-close" aria-label={t('common.close')} onClick={onClose} tabIndex={folded ? -1 : undefined}>
        ×
      </button>
    </div>
  );
}

/** Keeps the document title in the page's language. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}

/**
 * Keeps --top-h at the height of the header with its banner, so that what sticks below it (the
 * dots left while voting) and whatever is scrolled into view stay clear of it.
 */
export function useTopBarHeight() {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const bar = ref.current;
    if (!bar) return;
    const update = () => document.documentElement.style.setProperty('--top-h', `${bar.offsetHeight}px`);
    update();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(update);
    observer.observe(bar);
    return () => observer.disconnect();
  }, []);
  return ref;
}
