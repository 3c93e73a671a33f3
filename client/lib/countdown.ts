// The facilitator's countdown as every page shows it (projector, phones, console): the time left
// to the server's `endsAt`, redrawn each second.
//
// `endsAt` is on the laptop's clock, and a phone's clock may be off by more than the seconds that
// matter (an offline venue laptop drifts; a phone follows its carrier). So the first countdown a
// page shows asks the server for its time once, from the Date header of a HEAD request, and counts
// on the server's clock from then on, to within about half a second.

import { useEffect, useState } from 'react';
import type { Timer } from '../../shared/forum/types.js';

/** The server's clock minus this device's, in ms; 0 until measured. */
let offset = 0;
let measuring = false;

function measureOffset(): void {
  if (measuring) return;
  measuring = true;
  const sent = Date.now();
  fetch('/health', { method: 'HEAD', cache: 'no-store' })
    .then((res) => {
      const header = res.headers.get('Date');
      const server = header ? Date.parse(header) : NaN;
      if (Number.isNaN(server)) return;
      const received = Date.now();
      // The header is in whole seconds: the middle of its second is the best guess.
      offset = server + 500 - (sent + received) / 2;
      // Within a second either way is what the header can tell: no correction then.
      if (Math.abs(offset) < 1000) offset = 0;
    })
    .catch(() => {
      // Without it, the device's own clock: a countdown a little off is better than none.
      measuring = false;
    });
}

export interface Countdown {
  /** Milliseconds left, never below 0 nor above the timer's length. */
  left: number;
  /** "04:32", or "1:04:32" from an hour up; rounded up, so "00:00" means the time is up. */
  text: string;
  /** The last minute. */
  warning: boolean;
  over: boolean;
}

export function formatLeft(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

const leftOf = (timer: Timer, now: number) => Math.max(0, Math.min(timer.durationMs, timer.endsAt - (now + offset)));

/**
 * The countdown of `timer` (null: none). Each redraw is timed to the moment the shown second
 * changes, rather than every 1000 ms from whenever the timer arrived, so the digits never lag
 * nearly a second behind nor skip one; it stops at 00:00.
 */
export function useCountdown(timer: Timer | null | undefined): Countdown | null {
  const [now, setNow] = useState(() => Date.now());
  const endsAt = timer?.endsAt;
  const durationMs = timer?.durationMs;

  useEffect(() => {
    if (endsAt === undefined || durationMs === undefined) return;
    measureOffset();
    let handle = 0;
    const tick = () => {
      const at = Date.now();
      setNow(at);
      const left = endsAt - (at + offset);
      if (left <= 0) return;
      handle = window.setTimeout(tick, Math.min(1000, (left % 1000) + 15));
    };
    tick();
    return () => window.clearTimeout(handle);
  }, [endsAt, durationMs]);

  if (!timer) return null;
  const left = leftOf(timer, now);
  return { left, text: formatLeft(left), warning: left <= 60_000, over: left <= 0 };
}
