// Export and links: the results files (from voting on, through a short-lived grant, never the
// key), the address phones join at, the projector's address and the join code.

import { useState } from 'react';
import { useLang, useT } from '../lib/i18n.js';
import { EXPORT_PHASES } from '../../shared/forum/rules.js';
import { groupCode } from '../lib/format.js';
import { forumPath } from '../lib/forum.js';
import { useGrant } from './grant.js';
import { PosterLink } from './Poster.js';
import { clock, screenLink } from './parts.js';
import { ResultPictures } from './ResultPictures.js';
import { useView } from './store.js';

export function Export() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const grant = useGrant();
  const enabled = EXPORT_PHASES.includes(view.forum.phase);
  // A file to publish leaves the authors' names out; the organisers' own copy keeps them.
  const [withoutNames, setWithoutNames] = useState(false);
  const g = encodeURIComponent(grant ?? '');
  const query = `grant=${g}&lang=${lang}${withoutNames ? '&names=0' : ''}`;
  const files = [
    { name: 'csv', href: `${forumPath('/api/export.csv')}?${query}`, label: t('console.exportCsv') },
    { name: 'xlsx', href: `${forumPath('/api/export.xlsx')}?${query}`, label: t('console.exportXlsx') },
    { name: 'json', href: `${forumPath('/api/export.json')}?${query}`, label: t('console.exportJson') },
  ];
  const screenUrl = screenLink(view);
  const why = !enabled ? 'export-not-yet' : !grant ? 'export-waiting' : undefined;

  return (
    <div className="export">
      <section className="card" aria-labelledby="h-export">
        <h2 id="h-export">{t('console.tab.export')}</h2>
        <p className="muted">{t('console.exportHelp')}</p>
        {!enabled && (
          <p className="note note-info" id="export-not-yet">
            {t('console.exportNotYet')}
          </p>
        )}
        {enabled && !grant && (
          <p className="muted" id="export-waiting" role="status">
            {t('console.grantWaiting')}
          </p>
        )}
        <label className="check">
          <input type="checkbox" checked={withoutNames} onChange={(e) => setWithoutNames(e.target.checked)} aria-describedby="export-names-help" />
          {t('console.exportNoNames')}
        </label>
        <p className="muted small" id="export-names-help">
          {t('console.exportNoNamesHelp')}
        </p>
        <div className="export-buttons">
          {files.map((f) =>
            why ? (
              <button key={f.name} type="button" className="btn" disabled aria-describedby={why}>
                {f.label}
              </button>
            ) : (
              <a key={f.name} className="btn" href={f.href} download>
                {f.label}
              </a>
            ),
          )}
        </div>
        <div className="export-buttons report-link">
          {why ? (
            <button type="button" className="btn btn-secondary" disabled aria-describedby={why}>
              {t('console.report.link')}
            </button>
          ) : (
            <a className="btn btn-secondary" href={`${forumPath('/console/report')}?${query}`} target="_blank" rel="noreferrer" aria-describedby="export-report-help">
              {t('console.report.link')}
              <span className="visually-hidden"> {t('console.newTab')}</span>
            </a>
          )}
        </div>
        <p className="muted small" id="export-report-help">
          {t('console.report.help')}
        </p>
      </section>

      <ResultPictures grant={enabled ? grant : null} />

      <section className="card" aria-labelledby="h-links">
        <h2 id="h-links">{t('console.links')}</h2>
        <dl className="links">
          <div>
            <dt>{t('console.phoneLink')}</dt>
            <dd>
              <a href={view.joinUrl} target="_blank" rel="noreferrer">
                {view.joinUrl}
              </a>
            </dd>
          </div>
          <div>
            <dt>{t('console.screenLink')}</dt>
            <dd>
              <a href={screenUrl} target="_blank" rel="noreferrer" aria-describedby="export-screen-help">
                {screenUrl}
              </a>
              <p id="export-screen-help" className="muted small link-help">
                {t('console.screenLinkHelp')}
              </p>
            </dd>
          </div>
          {/* None with tickets, nor once the forum is closed. */}
          {view.joinCode && (
            <div>
              <dt>{t('console.joinCode')}</dt>
              <dd className="join-code join-code-big">{groupCode(view.joinCode)}</dd>
            </div>
          )}
        </dl>
        <PosterLink grant={grant} />
      </section>

      <section className="card" aria-labelledby="h-backup">
        <h2 id="h-backup">{t('console.backup')}</h2>
        {view.health.backup ? (
          <p>
            {t('console.backup.last', { time: clock(lang, view.health.backup.at) })} <code className="backup-file">{view.health.backup.file}</code>
          </p>
        ) : (
          <p className="muted">{t('console.backup.none')}</p>
        )}
        <p className="muted small">{t('console.backup.help')}</p>
      </section>
    </div>
  );
}
