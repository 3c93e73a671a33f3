// A modal dialog for the console's steps that cannot be undone (voiding a participant, changing
// the key). A native <dialog> opened with showModal(): the browser keeps focus inside it, makes
// the rest of the page inert and closes it on Escape. Focus moves to `initialFocus` (else to the
// first control) and goes back to whatever opened the dialog, unless `returnFocus` names a place.

import { useId, useLayoutEffect, useRef, type ReactNode, type RefObject } from 'react';

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
