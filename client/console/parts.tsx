// Small pieces the console's tabs share.

import { useState, type ChangeEvent, type Ref } from 'react';
import type { Priority } from '../../shared/forum/types.js';
import type { ConsoleView, Lang } from '../../shared/protocol.js';
import { useT } from '../lib/i18n.js';
import { useView } from './store.js';

/** The priority's colour as a small swatch; decorative, the code and title carry the meaning. */
export function Swatch({ color }: { color: string }) {
  return <span className="swatch" style={{ background: color }} aria-hidden="true" />;
}

export function PriorityName({ priority }: { priority: Priority }) {
  return (
    <span className="priority-name typed">
      <Swatch color={priority.color} />
      <span className="priority-code">{priority.code}</span> {priority.title}
    </span>
  );
}

export function priorityMap(view: ConsoleView): Map<string, Priority> {
  return new Map(view.forum.priorities.map((p) => [p.code, p]));
}

export function goalTitle(priority: Priority | undefined, goalCode: string | null): string | null {
  if (!goalCode) return null;
  const goal = priority?.goals.find((g) => g.code === goalCode);
  return goal ? `${goal.code} ${goal.title}` : goalCode;
}

const timeFormats = new Map<Lang, Intl.DateTimeFormat>();

/** "19:42": the time of day, in 24-hour form for both languages. */
export function clock(lang: Lang, at: number): string {
  let format = timeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(lang, format);
  }
  return format.format(new Date(at));
}

/**
 * The projector's link, as the server writes it: on its public address (PUBLIC_URL or the LAN
 * address), which the projector's computer reaches whether or not it is this one, and never on the
 * console's own origin (localhost on the facilitator's laptop opens nothing elsewhere).
 */
export function screenLink(view: ConsoleView): string {
  return view.admission.screenUrl;
}

/**
 * Dots each ballot can still place, as the rules count them: a priority's budget, but no more than
 * its active ideas can take at the cap per idea (a priority with no ideas takes none). Counting the
 * whole budget of every priority instead would call everyone "not done" whenever one priority has
 * no ideas, and the figure would say nothing.
 */
export function unspentBallots(view: ConsoleView): { budget: number; left: number; none: number } {
  const { dotsPerPriority, maxDotsPerIdea } = view.forum.rules;
  let budget = 0;
  for (const p of view.forum.priorities) budget += Math.min(dotsPerPriority, (view.ideaCounts[p.code] ?? 0) * maxDotsPerIdea);
  // A paged console has no rows: the server counted them.
  if (view.participantPages?.unspent) return { budget, ...view.participantPages.unspent };
  let left = 0;
  let none = 0;
  for (const p of view.participants) {
    if (p.voided !== null) continue;
    const dots = p.dots ?? 0;
    if (dots < budget) left++;
    if (dots === 0 && budget > 0) none++;
  }
  return { budget, left, none };
}

/**
 * Said where the facilitator looks before the hall arrives (Overview, Admission): the QR leads
 * nowhere a phone can go. Not an alert: it is there from the start and would be read out anew at
 * every tab switch.
 */
export function ReachableNote() {
  const t = useT();
  const reachable = useView().reachable;
  if (!reachable || reachable.ok) return null;
  return (
    <div className="note note-error reachable-note">
      <strong>{t('console.reachable.heading')}</strong>{' '}
      {t(reachable.why === 'loopback' ? 'console.reachable.loopback' : 'console.reachable.noLan', { host: reachable.host })}
    </div>
  );
}

/** A host's scope: the one priority they were invited for; null for the whole forum (and the facilitator). */
export function scopeOf(view: ConsoleView): string | null {
  return view.me.role === 'host' ? view.me.scope : null;
}

/** Whether this console may act on a priority: the facilitator always, a host within the scope. */
export function inScope(view: ConsoleView, priorityCode: string): boolean {
  const scope = scopeOf(view);
  return scope === null || scope === priorityCode;
}

/** The priorities this console works with, in the forum's order. */
export function scopedPriorities(view: ConsoleView): Priority[] {
  return view.forum.priorities.filter((p) => inScope(view, p.code));
}

/** Marks an idea typed in from a paper card. */
export function PaperMark() {
  const t = useT();
  return <span className="status status-paper">{t('console.paper.mark')}</span>;
}

/**
 * A required one-line text field with its error: the error is tied to the field and read out when
 * it appears; the caller clears it as the person types.
 */
export function RequiredText(props: {
  id: string;
  label: string;
  value: string;
  maxLength: number;
  error: string | undefined;
  onChange(value: string): void;
  inputRef?: Ref<HTMLInputElement>;
  autoFocus?: boolean;
}) {
  const { id, label, value, maxLength, error, onChange, inputRef, autoFocus } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        ref={inputRef}
        id={id}
        value={value}
        maxLength={maxLength}
        aria-required="true"
        autoFocus={autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span id={`${id}-error`} className="error-text" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * A file field in the console's language: the browser's own button says "Choose file" in the
 * browser's language, whatever the page's. The input stays, visually hidden but focusable and
 * named by the field's label; a button-like label and the chosen file's name are drawn beside it.
 */
export function FileInput({
  inputRef,
  onChange,
  ...input
}: {
  id: string;
  accept: string;
  inputRef?: Ref<HTMLInputElement>;
  onChange?: (e: ChangeEvent<HTMLInputElement>) => void;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}) {
  const t = useT();
  const [name, setName] = useState('');
  return (
    <span className="file-input">
      <input
        {...input}
        ref={inputRef}
        type="file"
        className="visually-hidden"
        onChange={(e) => {
          setName(e.target.files?.[0]?.name ?? '');
          onChange?.(e);
        }}
      />
      <label htmlFor={input.id} className="btn btn-secondary" aria-hidden="true">
        {t('console.file.choose')}
      </label>
      <span className="file-name" aria-hidden="true">
        {name || t('console.file.none')}
      </span>
    </span>
  );
}

