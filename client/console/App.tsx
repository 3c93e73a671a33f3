// The console's frame: a header that always shows the phase, the join code and who is here, and
// the tabs. The chosen tab lives in the URL's hash, so a reload under pressure lands on it again.
// A table host's console has only the tabs a host can use, and says whose it is and for what.

import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { MessageKey } from '../../shared/i18n/index.js';
import { useLang, useT } from '../lib/i18n.js';
import { LanguageToggle } from '../lib/ui.js';
import { Admission } from './Admission.js';
import { CityTab } from './CityTab.js';
import { AuditLog } from './AuditLog.js';
import { Duplicates } from './Duplicates.js';
import { EIdSettingAlert } from './EIdSetting.js';
import { Export } from './Export.js';
import { Hosts, scopeText } from './Hosts.js';
import { Ideas } from './Ideas.js';
import { Overview } from './Overview.js';
import { Paper } from './Paper.js';
import { Results } from './Results.js';
import { groupCode } from '../lib/format.js';
import { clock, scopeOf } from './parts.js';
import { useView } from './store.js';
import { StructureTab } from './Structure.js';
import { HeaderTimer } from './Timer.js';

const FACILITATOR_TABS = ['overview', 'admission', 'hosts', 'structure', 'ideas', 'duplicates', 'paper', 'results', 'city', 'log', 'export'] as const;
/** What a host can do: moderate and merge within the scope, type in paper, and read the results. */
const HOST_TABS = ['ideas', 'duplicates', 'paper', 'results'] as const;
type Tab = (typeof FACILITATOR_TABS)[number];

function tabFromHash(tabs: readonly Tab[]): Tab {
  const hash = window.location.hash.slice(1);
  return (tabs as readonly string[]).includes(hash) ? (hash as Tab) : tabs[0];
}

export function App() {
  const t = useT();
  const view = useView();
  const host = view.me.role === 'host';
  // The city vote's tab is a vote-only forum's.
  const voteOnly = view.forum.voteOnly;
  const tabs: readonly Tab[] = useMemo(() => (host ? HOST_TABS : FACILITATOR_TABS.filter((name) => name !== 'city' || voteOnly)), [host, voteOnly]);
  const [tab, setTab] = useState<Tab>(() => tabFromHash(tabs));
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  useEffect(() => {
    const onHash = () => setTab(tabFromHash(tabs));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [tabs]);

  const choose = (next: Tab, focus = false) => {
    setTab(next);
    window.history.replaceState(null, '', `#${next}`);
    // A tab opens at its top: where the last tab was scrolled to means nothing here.
    if (next !== tab) window.scrollTo(0, 0);
    if (focus) tabRefs.current[next]?.focus({ preventScroll: true });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.indexOf(tab);
    const to =
      e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length]
      : e.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length]
      : e.key === 'Home' ? tabs[0]
      : e.key === 'End' ? tabs[tabs.length - 1]
      : null;
    if (!to) return;
    e.preventDefault();
    choose(to, true);
  };

  const ideasTotal = Object.values(view.ideaCounts).reduce((a, b) => a + b, 0);
  const scope = scopeOf(view);
  const scopeCount = scope === null ? ideasTotal : (view.ideaCounts[scope] ?? 0);

  return (
    <div className="console">
      <div className="console-top">
        <header className="console-bar">
          {/* Back to every forum on this server: the facilitator's, not a host's (theirs is one forum). */}
          {!host && (
            <a className="console-back" href="/console">
              <span aria-hidden="true">← </span>
              {t('forums.back')}
            </a>
          )}
          <div className="console-heading">
            <h1 className="console-brand">{t(host ? 'console.host.title' : 'console.title')}</h1>
            <span className="console-forum">{view.forum.title}</span>
          </div>
          {view.me.role === 'host' && (
            <p className="console-host">
              <strong>{view.me.name}</strong> <span>{scopeText(t, view, view.me.scope)}</span>
            </p>
          )}
          <dl className="console-status">
            <div>
              <dt>{t('console.phase')}</dt>
              <dd className={`phase-badge phase-${view.forum.phase}`}>{t(`phase.${view.forum.phase}` as MessageKey)}</dd>
            </div>
            {!host && (
              <>
                {/* A closed forum takes no one: a code still turning over in the header would say it does. */}
                {view.forum.phase !== 'closed' && (
                  <div>
                    <dt>{t('console.joinCode')}</dt>
                    <dd className="join-code">
                      {view.joinCode ? groupCode(view.joinCode) : t('console.admission.mode.tickets')}
                    </dd>
                  </div>
                )}
                <div>
                  <dt>{t('console.joined')}</dt>
                  <dd>{view.joined}</dd>
                </div>
                <div>
                  <dt>{t('console.online')}</dt>
                  <dd>{view.online}</dd>
                </div>
              </>
            )}
            <div>
              <dt>{t('console.ideasTotal')}</dt>
              <dd>{host ? scopeCount : ideasTotal}</dd>
            </div>
            <HeaderTimer />
          </dl>
          <LanguageToggle />
        </header>
        <StorageAlert />
        <EIdSettingAlert />
        <ForumKind />

        <div className="tabs" role="tablist" aria-label={t('console.tabsLabel')} onKeyDown={onKeyDown}>
          {tabs.map((name) => (
            <button
              key={name}
              ref={(el) => {
                tabRefs.current[name] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${name}`}
              aria-selected={tab === name}
              aria-controls={tab === name ? `panel-${name}` : undefined}
              tabIndex={tab === name ? 0 : -1}
              className="tab"
              onClick={() => choose(name)}
            >
              {t(`console.tab.${name}` as MessageKey)}
              {name === 'duplicates' && <DuplicateCount />}
            </button>
          ))}
        </div>
      </div>

      <main className="panel">
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'overview' && <Overview />}
          {tab === 'admission' && <Admission />}
          {tab === 'hosts' && <Hosts />}
          {tab === 'structure' && <StructureTab />}
          {tab === 'ideas' && <Ideas openLog={host ? undefined : () => choose('log', true)} />}
          {tab === 'duplicates' && <Duplicates />}
          {tab === 'paper' && <Paper />}
          {tab === 'results' && <Results />}
          {tab === 'city' && <CityTab />}
          {tab === 'log' && <AuditLog />}
          {tab === 'export' && <Export />}
        </div>
      </main>
    </div>
  );
}

/** How many groups of likely duplicates wait in this console's scope: worth a look. */
function DuplicateCount() {
  const view = useView();
  const scope = scopeOf(view);
  const n = view.duplicates.filter((g) => scope === null || g.priorityCode === scope).length;
  if (n === 0) return null;
  return (
    <>
      {' '}
      <span className="tab-count">{n}</span>
    </>
  );
}

/**
 * Loud, above every tab: the laptop cannot save. Actions are refused (nothing is lost of what was
 * saved) until the cause goes; the alert goes with it by itself.
 */
/** An archived forum (read-only) or a vote-only one (a shortlist of an earlier forum) says so above every tab. */
function ForumKind() {
  const t = useT();
  const forum = useView().forum;
  if (!forum.archived && !forum.voteOnly) return null;
  return (
    <div className={`forum-kind ${forum.archived ? 'forum-kind-archived' : ''}`} role="status">
      {forum.archived && <p>{t('console.forum.archived')}</p>}
      {forum.voteOnly && <p>{t('console.forum.voteOnly', { title: forum.basedOn?.title ?? '' })}</p>}
    </div>
  );
}

function StorageAlert() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const storage = useView().health.storage;
  if (storage.ok) return null;
  return (
    <div className="storage-alert" role="alert">
      <strong>{t('console.storage.heading')}</strong> {t(`console.storage.${storage.cause ?? 'io'}` as MessageKey)}{' '}
      {t('console.storage.since', { time: storage.since ? clock(lang, storage.since) : '—', refused: storage.refused ?? 0 })}
    </div>
  );
}
