// Export and links: the results files (from voting on), the address phones join at, the
// projector's address and the join code.

import { useLang, useT } from '../lib/i18n.js';
import { EXPORT_PHASES } from '../../shared/forum/rules.js';
import { groupCode } from '../lib/format.js';
import { useConsole, useView } from './store.js';


export function Export() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const key = useConsole((s) => s.key);
  const enabled = EXPORT_PHASES.includes(view.forum.phase);
  const k = encodeURIComponent(key);
  const files = [
    { href: `/api/export.csv?key=${k}&lang=${lang}`, label: t('console.exportCsv') },
    { href: `/api/export.json?key=${k}&lang=${lang}`, label: t('console.exportJson') },
  ];
  const screenUrl = `${window.location.origin}/screen`;

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
        <div className="export-buttons">
          {files.map((f) =>
            enabled ? (
              <a key={f.href} className="btn" href={f.href} download>
                {f.label}
              </a>
            ) : (
              <button key={f.href} type="button" className="btn" disabled aria-describedby="export-not-yet">
                {f.label}
              </button>
            ),
          )}
        </div>
      </section>

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
              <a href={screenUrl} target="_blank" rel="noreferrer">
                {screenUrl}
              </a>
            </dd>
          </div>
          <div>
            <dt>{t('console.joinCode')}</dt>
            <dd className="join-code join-code-big">{groupCode(view.joinCode)}</dd>
          </div>
        </dl>
      </section>
    </div>
  );
}
