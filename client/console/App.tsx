// The console's frame: a header that always shows the phase, the join code and who is here, and
// the tabs. The chosen tab lives in the URL's hash, so a reload under pressure lands on it again.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { MessageKey } from '../../shared/i18n/index.js';
import { useLang, useT } from '../lib/i18n.js';
import { LanguageToggle } from '../lib/ui.js';
import { Admission } from './Admission.js';
import { Export } from './Export.js';
import { Ideas } from './Ideas.js';
import { Overview } from './Overview.js';
import { Results } from './Results.js';
import { groupCode } from '../lib/format.js';
import { clock } from './parts.js';
import { useView } from './store.js';
import { StructureTab } from './Structure.js';

const TABS = ['overview', 'admission', 'structure', 'ideas', 'results', 'export'] as const;
type Tab = (typeof TABS)[number];

function tabFromHash(): Tab {
  const hash = window.location.hash.slice(1);
  return (TABS as readonly string[]).includes(hash) ? (hash as Tab) : 'overview';
}

export function App() {
  const t = useT();
  const view = useView();
  const [tab, setTab] = useState<Tab>(tabFromHash);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const choose = (next: Tab, focus = false) => {
    setTab(next);
    window.history.replaceState(null, '', `#${next}`);
    if (focus) tabRefs.current[next]?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.indexOf(tab);
    const to =
      e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length]
      : e.key === 'ArrowLeft' ? TABS[(i - 1 + TABS.length) % TABS.length]
      : e.key === 'Home' ? TABS[0]
      : e.key === 'End' ? TABS[TABS.length - 1]
      : null;
    if (!to) return;
    e.preventDefault();
    choose(to, true);
  };

  const ideasTotal = Object.values(view.ideaCounts).reduce((a, b) => a + b, 0);

  return (
    <div className="console">
      <div className="console-top">
        <header className="console-bar">
          <div className="console-heading">
            <h1 className="console-brand">{t('console.title')}</h1>
            <span className="console-forum">{view.forum.title}</span>
          </div>
          <dl className="console-status">
            <div>
              <dt>{t('console.phase')}</dt>
              <dd className={`phase-badge phase-${view.forum.phase}`}>{t(`phase.${view.forum.phase}` as MessageKey)}</dd>
            </div>
            <div>
              <dt>{t('console.joinCode')}</dt>
              <dd className="join-code">
                {view.joinCode ? groupCode(view.joinCode) : t('console.admission.mode.tickets')}
              </dd>
            </div>
            <div>
              <dt>{t('console.joined')}</dt>
              <dd>{view.joined}</dd>
            </div>
            <div>
              <dt>{t('console.online')}</dt>
              <dd>{view.online}</dd>
            </div>
            <div>
              <dt>{t('console.ideasTotal')}</dt>
              <dd>{ideasTotal}</dd>
            </div>
          </dl>
          <LanguageToggle />
        </header>
        <StorageAlert />

        <div className="tabs" role="tablist" aria-label={t('console.tabsLabel')} onKeyDown={onKeyDown}>
          {TABS.map((name) => (
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
            </button>
          ))}
        </div>
      </div>

      <main className="panel">
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'overview' && <Overview />}
          {tab === 'admission' && <Admission />}
          {tab === 'structure' && <StructureTab />}
          {tab === 'ideas' && <Ideas />}
          {tab === 'results' && <Results />}
          {tab === 'export' && <Export />}
        </div>
      </main>
    </div>
  );
}

/**
 * Loud, above every tab: the laptop cannot save. Actions are refused (nothing is lost of what was
 * saved) until the cause goes; the alert goes with it by itself.
 */
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
