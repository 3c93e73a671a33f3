// The phase's countdown on the console: started for 5, 10, 15 or any number of minutes, five more
// added, or stopped; the projector and the phones show the same one. Its figure also sits in the
// header, so it is in view on every tab.

import { useRef, useState, type FormEvent } from 'react';
import { TIMER_MAX_MS, TIMER_MIN_MS } from '../../shared/forum/types.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import { useCountdown } from '../lib/countdown.js';
import { useLang, useT } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { clock } from './parts.js';
import { useView } from './store.js';

const QUICK_MINUTES = [5, 10, 15] as const;
const EXTEND_MINUTES = 5;
const MIN_MINUTES = TIMER_MIN_MS / 60_000;
const MAX_MINUTES = TIMER_MAX_MS / 60_000;

/** The countdown in the header's figures, while one runs. */
export function HeaderTimer() {
  const t = useT();
  const countdown = useCountdown(useView().forum.timer);
  if (!countdown) return null;
  return (
    <div>
      <dt>{t('console.timer.short')}</dt>
      <dd className={countdown.warning ? 'timer-warning' : undefined}>
        <span role="timer">{countdown.text}</span>
      </dd>
    </div>
  );
}

export function TimerCard() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const commands = useCommands();
  const { timer, phase } = view.forum;
  const countdown = useCountdown(timer);
  const [minutes, setMinutes] = useState('');
  const [error, setError] = useState('');
  const fieldRef = useRef<HTMLInputElement>(null);
  const phaseName = t(`phase.${phase}` as MessageKey);

  const start = (n: number) =>
    commands.run('timer', 'timer:set', { minutes: n }, () => t('console.timer.started', { minutes: n, phaseName }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(minutes.trim());
    if (minutes.trim() === '' || !Number.isInteger(n) || n < MIN_MINUTES || n > MAX_MINUTES) {
      setError(t('console.timer.invalid', { min: MIN_MINUTES, max: MAX_MINUTES }));
      fieldRef.current?.focus();
      return;
    }
    if (await start(n)) setMinutes('');
  };

  return (
    <section className="card timer-card" aria-labelledby="h-timer">
      <h2 id="h-timer">{t('console.timer.heading', { phaseName })}</h2>
      {phase === 'closed' ? (
        <p className="muted">{t('console.timer.closed')}</p>
      ) : (
        <div className="timer-row">
          {countdown ? (
            <div className="timer-now">
              <p className={`timer-big${countdown.warning ? ' timer-warning' : ''}`} role="timer">
                {countdown.text}
              </p>
              <p className="muted small timer-note">
                {countdown.over ? t('console.timer.over') : t('console.timer.endsAt', { time: clock(lang, timer!.endsAt) })}
              </p>
            </div>
          ) : (
            <p className="muted timer-none">{t('console.timer.none')}</p>
          )}
          {countdown && (
            <div className="timer-actions">
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() =>
                  void commands.run('timer', 'timer:extend', { minutes: EXTEND_MINUTES }, () =>
                    t('console.timer.extended', { minutes: EXTEND_MINUTES }),
                  )
                }
              >
                {t('console.timer.extend', { minutes: EXTEND_MINUTES })}
              </button>
              <button
                type="button"
                className="btn btn-danger btn-small"
                onClick={() => void commands.run('timer', 'timer:set', { minutes: null }, () => t('console.timer.cleared'))}
              >
                {t('console.timer.clear')}
              </button>
            </div>
          )}
          <div className="timer-set">
            <span id="timer-quick" className="timer-label">
              {t(countdown ? 'console.timer.restart' : 'console.timer.start')}
            </span>
            <div className="timer-quick" role="group" aria-labelledby="timer-quick">
              {QUICK_MINUTES.map((n) => (
                <button key={n} type="button" className="btn btn-small" onClick={() => void start(n)}>
                  {t('console.timer.minutes', { minutes: n })}
                </button>
              ))}
            </div>
            <form className="timer-form" onSubmit={(e) => void submit(e)} noValidate>
              <label htmlFor="timer-minutes">{t('console.timer.other')}</label>
              <input
                ref={fieldRef}
                id="timer-minutes"
                type="number"
                inputMode="numeric"
                min={MIN_MINUTES}
                max={MAX_MINUTES}
                value={minutes}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? 'timer-minutes-error' : undefined}
                onChange={(e) => {
                  setMinutes(e.target.value);
                  setError('');
                }}
              />
              <button type="submit" className="btn btn-small btn-secondary">
                {t('console.timer.go')}
              </button>
            </form>
          </div>
          {error && (
            <p id="timer-minutes-error" className="error-text timer-error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
