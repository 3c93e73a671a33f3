// What happened to whole forums on this server (created, imported, archived, taken out of the
// archive, deleted), newest first: the server keeps it, so a deleted forum is still accounted for.

import type { MessageKey } from '../../../shared/i18n/index.js';
import type { ForumLogEntry } from '../../../shared/protocol.js';
import { useLang, useT } from '../../lib/i18n.js';
import { dateTime } from './ForumTable.js';

export function ForumLog({ log }: { log: ForumLogEntry[] }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const entries = [...log].reverse();
  return (
    <section className="card forum-log" aria-labelledby="h-forum-log">
      <h2 id="h-forum-log">{t('forums.log.heading')}</h2>
      <p className="muted small">{t('forums.log.help')}</p>
      {entries.length === 0 ? (
        <p className="muted">{t('forums.log.empty')}</p>
      ) : (
        // Scrolls on its own (up to 50 entries): reachable by keyboard, so that it can be scrolled without a mouse.
        <div className="table-wrap forum-log-scroll" tabIndex={0} role="region" aria-labelledby="h-forum-log">
          <table className="data-table">
            <caption className="visually-hidden">{t('forums.log.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('forums.log.when')}</th>
                <th scope="col">{t('forums.log.what')}</th>
                <th scope="col">{t('forums.log.forum')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e, i) => (
                <tr key={`${e.at}-${e.forumId}-${e.action}-${i}`} className={`log-${e.action}`}>
                  <td className="forum-log-when">
                    <time dateTime={new Date(e.at).toISOString()}>{dateTime(lang, e.at)}</time>
                  </td>
                  <td>{t(`forums.log.${e.action}` as MessageKey)}</td>
                  <td className="typed">{e.title}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
