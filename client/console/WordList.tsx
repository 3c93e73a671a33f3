// The word list: ideas whose text contains a listed word are flagged for a moderator's eyes on the
// console (shared/forum/facilitation.ts, flaggedWords); nothing is hidden by it. The facilitator
// edits the list here, one word per line.

import { useId, useRef, useState, type FormEvent } from 'react';
import { useT } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { useConsole, useView } from './store.js';

const toLines = (words: readonly string[]) => words.join('\n');
const fromLines = (text: string) =>
  text
    .split('\n')
    .map((w) => w.trim())
    .filter(Boolean);

export function WordList() {
  const t = useT();
  const { wordList } = useView();
  // The default lives on the server: what it sent while the default was in force is sent back.
  const defaultWords = useConsole((s) => s.defaultWords);
  const commands = useCommands();
  const [draft, setDraft] = useState<string | null>(null);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const editRef = useRef<HTMLButtonElement>(null);
  const areaId = useId();
  const helpId = useId();

  const close = () => {
    setDraft(null);
    requestAnimationFrame(() => editRef.current?.focus());
  };
  const save = async (words: string[]) => {
    const ok = await commands.run('words', 'wordList:set', { words }, (data) => t('console.words.saved', { count: data.words.length }));
    if (ok) close();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(fromLines(draft ?? ''));
  };

  return (
    <section className="card word-list" aria-labelledby="h-words">
      <h2 id="h-words">{t('console.words.heading')}</h2>
      <p id={helpId} className="muted small">
        {t('console.words.help')}
      </p>
      <p className="small">
        {t(wordList.isDefault ? 'console.words.default' : 'console.words.custom', { count: wordList.words.length })}
      </p>
      {draft === null ? (
        <button
          ref={editRef}
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => {
            setDraft(toLines(wordList.words));
            requestAnimationFrame(() => areaRef.current?.focus());
          }}
        >
          {t('console.words.edit')}
        </button>
      ) : (
        <form onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && close()}>
          <div className="field">
            <label htmlFor={areaId}>{t('console.words.label')}</label>
            <textarea
              ref={areaRef}
              id={areaId}
              rows={10}
              value={draft}
              aria-describedby={helpId}
              spellCheck={false}
              onChange={(e) => setDraft(e.target.value)}
            />
          </div>
          <div className="form-actions word-actions">
            <button type="submit" className="btn btn-small" disabled={commands.busy('words')}>
              {t('common.save')}
            </button>
            <button type="button" className="btn btn-small btn-secondary" onClick={close}>
              {t('common.cancel')}
            </button>
            {defaultWords && (
              <button type="button" className="btn btn-small btn-secondary" onClick={() => setDraft(toLines(defaultWords))}>
                {t('console.words.restore')}
              </button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
