// The public results page: publishing it (and taking it down again), its link to open or copy, and
// a QR of it for the hall. It opens only once a priority has been revealed, and it shows only the
// revealed priorities (server/http/public.ts), so the button says why it waits until then.

import { useId, useRef, useState } from 'react';
import { PUBLISH_PHASES } from '../../shared/forum/rules.js';
import { forumPath } from '../lib/forum.js';
import { useT } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { useView } from './store.js';

export function Publish() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const { publicResults: published, revealed, priorities, phase } = view.forum;
  const url = view.admission.resultsUrl;
  // Taking the page down is always allowed; putting it up waits for the first reveal.
  const locked = !published && (!PUBLISH_PHASES.includes(phase) || revealed.length === 0);

  // The button stays enabled while the command travels (a focused button that turns disabled drops
  // the keyboard's focus); a second press meanwhile is ignored by `commands.run`.
  const toggle = () =>
    void commands.run('publish', 'results:publish', { published: !published }, (data) =>
      t(data.published ? 'console.publish.published' : 'console.publish.unpublished'),
    );

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // Plain http on the LAN has no clipboard API: the link is selected for Ctrl+C instead.
      inputRef.current?.focus();
      inputRef.current?.select();
    }
  };

  return (
    <section className="card publish-card" aria-labelledby="h-publish">
      <div className="card-head">
        <h3 id="h-publish">{t('console.publish.heading')}</h3>
        <span className={`status ${published ? 'status-revealed' : 'status-pending'}`} id="publish-state">
          {published ? `✓ ${t('console.publish.on')}` : t('console.publish.off')}
        </span>
      </div>
      <p className="muted small">{t('console.publish.help')}</p>
      {published && revealed.length < priorities.length && (
        <p className="small">{t('console.publish.revealedOnly', { revealed: revealed.length, total: priorities.length })}</p>
      )}
      <p>
        <button
          type="button"
          className={published ? 'btn btn-secondary' : 'btn'}
          disabled={locked}
          aria-describedby={locked ? 'publish-locked publish-state' : 'publish-state'}
          onClick={toggle}
        >
          {t(published ? 'console.publish.unpublish' : 'console.publish.publish')}
        </button>
      </p>
      {locked && (
        <p id="publish-locked" className="form-hint">
          {t('console.publish.locked')}
        </p>
      )}
      <div className="host-link-row">
        <img className="host-qr" src={forumPath('/results-qr.svg')} alt={t('console.publish.qrAlt')} width={160} height={160} />
        <div className="field field-grow">
          <label htmlFor={inputId}>{t('console.publish.link')}</label>
          <input ref={inputRef} id={inputId} readOnly value={url} onFocus={(e) => e.target.select()} />
          <div className="card-tools publish-tools">
            <a className="btn btn-secondary btn-small" href={url} target="_blank" rel="noreferrer">
              {t('console.publish.open')} <span className="visually-hidden">{t('console.newTab')}</span>
            </a>
            <button type="button" className="btn btn-secondary btn-small" onClick={() => void copy()}>
              {t('console.publish.copy')}
            </button>
          </div>
          <p className="muted small publish-copied" role="status">
            {copied ? t('console.publish.copied') : ''}
          </p>
        </div>
      </div>
    </section>
  );
}
