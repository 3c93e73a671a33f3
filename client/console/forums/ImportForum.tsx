// Moving a forum here from another laptop: its forum file (downloaded from that laptop's list) is
// read here first, so that a file that is not JSON is said at once, then sent to the server with
// the facilitator's key in a header; the server replays its log through the rules and says what is
// wrong, if anything, or whether the file's seal kept its phones and hosts, and the file's results hash.

import { useId, useRef, useState, type FormEvent } from 'react';
import { useLang, useT } from '../../lib/i18n.js';
import { FileInput } from '../parts.js';
import { useConsole } from '../store.js';

type Outcome = { ok: true; title: string; slug: string; sealed: boolean; resultsHash: string } | { ok: false; text: string };

interface ImportReply {
  ok: boolean;
  data?: { forumId: string; slug: string; title: string; sealed: boolean; resultsHash: string };
  error?: { message?: string };
}

export function ImportForum() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const uid = useId();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<(Outcome & { n: number }) | null>(null);
  /** Imports done: each gives a fresh file field. */
  const [imports, setImports] = useState(0);

  const say = (o: Outcome) => setOutcome((old) => ({ ...o, n: (old?.n ?? 0) + 1 }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const file = input.current?.files?.[0];
    if (!file) {
      say({ ok: false, text: t('forums.import.chooseFile') });
      input.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const body = await file.text();
      try {
        JSON.parse(body);
      } catch (err) {
        say({ ok: false, text: t('console.importNotJson', { file: file.name, detail: (err as Error).message }) });
        return;
      }
      let response: Response;
      try {
        // The key in a header (never in the address): a download link's grant does not import.
        response = await fetch(`/api/forums/import?lang=${lang}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Facilitator-Key': useConsole.getState().key },
          body,
        });
      } catch {
        say({ ok: false, text: t('forums.import.network') });
        return;
      }
      const reply = (await response.json().catch(() => null)) as ImportReply | null;
      if (reply?.ok && reply.data) {
        // The title as the server keeps it, not as the file's head says it.
        say({ ok: true, title: reply.data.title, slug: reply.data.slug, sealed: reply.data.sealed, resultsHash: reply.data.resultsHash });
        // A fresh field: the file imported is no longer shown as chosen.
        setImports((n) => n + 1);
      } else {
        say({ ok: false, text: reply?.error?.message ?? t('forums.import.failed', { status: response.status }) });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card forum-import" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('forums.import.heading')}</h2>
      <p className="muted" id={`${uid}-help`}>
        {t('forums.import.help')}
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${uid}-file`}>{t('forums.import.file')}</label>
          <FileInput key={imports} inputRef={input} id={`${uid}-file`} accept="application/json,.json" aria-describedby={`${uid}-help`} onChange={() => setOutcome(null)} />
        </div>
        <button type="submit" className="btn btn-secondary" disabled={busy}>
          {t(busy ? 'forums.import.busy' : 'forums.import.submit')}
        </button>
      </form>
      <div className="import-outcome">
        {outcome?.ok === true && (
          <p key={outcome.n} className="note note-info" role="status">
            {t('forums.import.done', { title: outcome.title })} {t(outcome.sealed ? 'forums.import.sealed' : 'forums.import.readOnly')}{' '}
            <a href={`/f/${outcome.slug}/console`}>{t('forums.import.open')}</a>
            <br />
            {t('forums.import.hash')} <code className="results-hash">{outcome.resultsHash}</code>
          </p>
        )}
        {outcome?.ok === false && (
          <p key={outcome.n} className="note note-error" role="alert">
            {outcome.text}
          </p>
        )}
      </div>
    </section>
  );
}
