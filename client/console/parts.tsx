// Small pieces the console's tabs share.

import type { Priority } from '../../shared/forum/types.js';
import type { ConsoleView, Lang } from '../../shared/protocol.js';

/** The priority's colour as a small swatch; decorative, the code and title carry the meaning. */
export function Swatch({ color }: { color: string }) {
  return <span className="swatch" style={{ background: color }} aria-hidden="true" />;
}

export function PriorityName({ priority }: { priority: Priority }) {
  return (
    <span className="priority-name">
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
 * The projector's link as this console reached the server. The server writes it with its local
 * address; a console opened on the venue's LAN address gives the projector's computer a link that
 * works there too.
 */
export function screenLink(view: ConsoleView): string {
  try {
    const url = new URL(view.admission.screenUrl);
    return `${window.location.origin}${url.pathname}${url.search}`;
  } catch {
    return view.admission.screenUrl;
  }
}
