// The phone's frame: the header and the connection banner, which stay at the top however far the
// page is scrolled, and the screen for where this device is (joining, voided, or the forum's phase).

import { lazy, Suspense, useEffect, useRef } from 'react';
import type { MessageKey } from '../../shared/i18n/index.js';
import type { PhoneForumInfo, MeView } from '../../shared/protocol.js';
import { useConnection } from '../lib/connection.js';
import { useCountdown } from '../lib/countdown.js';
import { useT } from '../lib/i18n.js';
import { ConnectionBanner, LanguageToggle, RefusalText, Toasts, useTitle, useTopBarHeight } from '../lib/ui.js';
import { IdeasPhase, MyIdeas } from './Ideas.js';
import { JoinForm, JoinRefused, NameForm, Voided, Waiting } from './Join.js';
import { ProveForm } from './Prove.js';
import { Results } from './Results.js';
import { usePhone } from './store.js';
import { usePending } from './pending.js';
import { Voting } from './Voting.js';

const CityVoting = lazy(() => import('./CityVoting.js').then((m) => ({ default: m.CityVoting })));
const CityClosed = lazy(() => import('./CityVoting.js').then((m) => ({ default: m.CityClosed })));

export function App() {
  const t = useT();
  const { forum, me, joining } = usePhone();
  const refused = useConnection((s) => s.refused);
  useTitle(forum ? `${forum.title} — ${t('app.name')}` : t('phone.title'));
  const barRef = useTopBarHeight();

  let body;
  if (refused && refused.code !== 'PROTOCOL_MISMATCH')
    body = (
      <p className="card error-text" role="alert">
        <RefusalText refused={refused} />
      </p>
    );
  else if (!forum || me === undefined) body = <p className="card" role="status">{t('common.loading')}</p>;
  // A forum that is over takes no one new, but its revealed results are for everyone.
  else if (me === null && forum.phase === 'closed') body = <Results forum={forum} />;
  else if (me === null && joining?.waiting) body = <Waiting />;
  else if (me === null && joining && !joining.waiting) body = <JoinRefused message={joining.refused} />;
  else if (me === null) body = forum.identity ? <ProveForm forum={forum} /> : <JoinForm forum={forum} />;
  else if (me.voided) body = <Voided reason={me.voided.reason} />;
  else body = <PhaseView forum={forum} me={me} />;

  return (
    <>
      <div className="top-bar" ref={barRef}>
        <header className="top">
          <div className="top-title">
            <strong>{t('app.name')}</strong>
            {forum && <span className="top-forum">{forum.title}</span>}
          </div>
          <LanguageToggle />
        </header>
        <ConnectionBanner offlineText={useOfflineText()} />
      </div>
      <main className="content">{body}</main>
      <Toasts />
    </>
  );
}

/**
 * What the banner says while offline: how many taps wait, and whether they are kept on the phone
 * (a reload sends them) or only while this page stays open (a browser that refuses storage).
 */
function useOfflineText(): string {
  const t = useT();
  const { queue, kept } = usePending();
  if (queue.length === 0) return t('phone.offline');
  return t(kept ? 'phone.offline.waiting' : 'phone.offline.pageOnly', { count: queue.length });
}

/**
 * The facilitator's countdown, small beside the phase. Outside the live region: it would otherwise
 * be read out every second.
 */
function PhaseTimer({ forum }: { forum: PhoneForumInfo }) {
  const t = useT();
  const countdown = useCountdown(forum.timer);
  if (!countdown) return null;
  return (
    <p className={`phase-timer${countdown.warning ? ' warning' : ''}`}>
      {countdown.over ? (
        t('phone.timer.over')
      ) : (
        <>
          {t('phone.timer.left')} <span role="timer">{countdown.text}</span>
        </>
      )}
    </p>
  );
}

function PhaseView({ forum, me }: { forum: PhoneForumInfo; me: MeView }) {
  const t = useT();
  // A new phase starts at the top of the page, not wherever the last one was scrolled to.
  const shown = useRef(false);
  useEffect(() => {
    if (shown.current) window.scrollTo(0, 0);
    shown.current = true;
  }, [forum.phase]);
  const greeting = me.name ? t('phone.hello', { name: me.name }) : t('phone.helloAnon');
  return (
    <>
      <div className="phase-row">
        <p className="phase-pill" aria-live="polite">
          {t(`phase.${forum.phase}` as MessageKey)}
        </p>
        <PhaseTimer forum={forum} />
      </div>
      {forum.phase === 'lobby' && (
        <section className="card">
          <h1>{greeting}</h1>
          <p>{t('phone.lobby')}</p>
          <NameForm me={me} />
        </section>
      )}
      {forum.phase === 'ideas' && <IdeasPhase forum={forum} me={me} />}
      {forum.phase === 'review' && (
        <>
          <section className="card">
            <p>{t('phone.review')}</p>
          </section>
          <MyIdeas forum={forum} me={me} />
        </>
      )}
      {forum.phase === 'voting' && !forum.cityVote && <Voting forum={forum} me={me} />}
      {(forum.phase === 'results' || forum.phase === 'closed') && !forum.cityVote && <Results forum={forum} />}
      {forum.cityVote && (forum.phase === 'voting' || forum.phase === 'results' || forum.phase === 'closed') && (
        <Suspense fallback={<p className="card" role="status">{t('common.loading')}</p>}>
          {forum.phase === 'voting' ? <CityVoting vote={forum.cityVote} me={me} /> : <CityClosed />}
        </Suspense>
      )}
    </>
  );
}
