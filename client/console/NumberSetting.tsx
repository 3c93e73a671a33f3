// One whole-number setting of the Admission tab (the cap per address, the expected attendance): a
// field with its range, a save button that says when it is saving, and the value in force until
// the facilitator types another. Each card around it says what the number means.

import { useState, type FormEvent } from 'react';
import { useT } from '../lib/i18n.js';
import { useCommands } from './command.js';

export function NumberSetting(props: {
  /** The field's id; its range hint is `${id}-range`. */
  id: string;
  label: string;
  value: number;
  max: number;
  saveLabel: string;
  /** The command's busy key (useCommands). */
  busyKey: string;
  /** Ids of the card's paragraphs that describe the field, besides its range. */
  describedBy: string;
  locked: boolean;
  /** Saves the number; true when it was saved, so the field shows the value in force again. */
  onSave: (value: number) => Promise<boolean>;
}) {
  const t = useT();
  const commands = useCommands();
  const [draft, setDraft] = useState<string | null>(null);
  const busy = commands.busy(props.busyKey);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (await props.onSave(Number(draft ?? props.value))) setDraft(null);
  };

  return (
    <>
      <form onSubmit={(e) => void save(e)}>
        <fieldset className="plain" disabled={props.locked}>
          <div className="row">
            <div className="field cap-field">
              <label htmlFor={props.id} className="visually-hidden">
                {props.label}
              </label>
              <input
                id={props.id}
                type="number"
                inputMode="numeric"
                min={0}
                max={props.max}
                step={1}
                required
                value={draft ?? String(props.value)}
                aria-describedby={`${props.id}-range ${props.describedBy}`}
                onChange={(e) => setDraft(e.target.value)}
              />
            </div>
            <div className="field">
              <button type="submit" className="btn" disabled={busy}>
                {busy ? t('common.saving') : props.saveLabel}
              </button>
            </div>
          </div>
        </fieldset>
      </form>
      <p className="hint form-hint" id={`${props.id}-range`}>
        {t('console.range', { min: 0, max: props.max })}
      </p>
    </>
  );
}
