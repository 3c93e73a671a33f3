// The link to the join poster: one A4 page with a large QR of the join address, printed by the
// browser (server/http/poster.ts). Like the ticket sheets, it opens with a short-lived grant.

import { forumPath } from '../lib/forum.js';
import { useLang, useT } from '../lib/i18n.js';

export function PosterLink({ grant }: { grant: string | null }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  return (
    <div className="poster-link">
      {grant ? (
        <a
          className="btn btn-secondary"
          href={`${forumPath('/console/poster')}?grant=${encodeURIComponent(grant)}&lang=${lang}`}
          target="_blank"
          rel="noreferrer"
          aria-describedby="poster-help"
        >
          {t('console.poster')} <span className="visually-hidden">{t('console.newTab')}</span>
        </a>
      ) : (
        <button type="button" className="btn btn-secondary" disabled aria-describedby="poster-help">
          {t('console.poster')}
        </button>
      )}
      <p id="poster-help" className="muted small link-help">
        {grant ? t('console.poster.help') : t('console.grantWaiting')}
      </p>
    </div>
  );
}
