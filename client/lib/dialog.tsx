// A modal dialog for steps that cannot be undone: the console's (voiding a participant, changing
// the key, closing voting, revealing a priority, closing the forum, and the lighter phase moves)
// and a phone's (withdrawing an idea). A native <dialog> opened with showModal(): the browser
// keeps focus inside it, makes the rest of the page inert and closes it on Escape. Focus moves to
// `initialFocus` (else to the first control) and goes back to whatever opened the dialog, unless
// `returnFocus` names a place.

import { useId, useLayoutEffect, useRef, type ReactNode, type RefObject } from 'react';
import { useT } from './i18n.js';

export interface DialogProps {
  title: string;
  /** Called on Escape and by the dialog's own buttons; the caller then stops rendering it. */
  onClose(): void;
  children: ReactNode;
  /** The id of the text that says what will happen. */
  describedBy?: string;
  initialFocus?: RefObject<HTMLElement | null>;
  /** Where focus goes on close, when not back to the opener (say, because the action removes it). */
  returnFocus?: () => HTMLElement | null;
}

/** Rendered only while open: mounting shows it, unmounting closes it. */
export function Dialog({ title, onClose, children, describedBy, initialFocus, returnFocus }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // Kept fresh for the cleanup below, which runs once, with the props of the last render.
  const returnTo = useRef(returnFocus);
  returnTo.current = returnFocus;

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    initialFocus?.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // Chosen after React has applied what the dialog's action changed.
      requestAnimationFrame(() => {
        const target = returnTo.current?.() ?? opener;
        if (target?.isConnected) target.focus();
      });
    };
  }, []); // once per mount: mounting opens the dialog

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={(e) => {
        // Escape: the caller decides, so its state and the dialog never disagree.
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  title: string;
  /** What will happen, with its figures; it is the dialog's description. */
  children: ReactNode;
  /** Names the action ("Закрити голосування"), never a bare "OK". */
  confirmLabel: string;
  /**
   * A step that cannot be undone: the confirm button is red and focus starts on Cancel, so that
   * an Enter pressed out of habit does nothing. A light step starts on the confirm button.
   */
  irreversible?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onClose(): void;
  returnFocus?: () => HTMLElement | null;
}

/** A question with Cancel and one named action. */
export function ConfirmDialog({ title, children, confirmLabel, irreversible, busy, onConfirm, onClose, returnFocus }: ConfirmDialogProps) {
  const t = useT();
  const bodyId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      title={title}
      describedBy={bodyId}
      initialFocus={irreversible ? cancelRef : confirmRef}
      onClose={onClose}
      returnFocus={returnFocus}
    >
      <div id={bodyId} className="dialog-body">
        {children}
      </div>
      <div className="form-actions dialog-actions">
        <button ref={cancelRef} type="button" className="btn btn-secondary" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          ref={confirmRef}
          type="button"
          className={irreversible ? 'btn btn-danger-solid' : 'btn'}
          disabled={busy}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
