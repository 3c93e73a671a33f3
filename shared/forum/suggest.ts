// Ideas already on the wall that look like the one being typed, so that a resident sees before
// sending that it may be there already. The same measure as the console's duplicate suggestions
// (shared/forum/similarity.ts), run by the server over the chosen priority's ideas (wall:similar):
// a phone holds only the page it opened.

import { fingerprint, fingerprintScores, type IdeaFingerprint } from './similarity.js';
import { textLength } from './text.js';
import { SUGGEST_AFTER_CHARS, SUGGEST_MAX } from './suggestLimits.js';

/** What the measure reads of an idea. */
interface SuggestedIdea {
  id: string;
  priorityCode: string;
  title: string;
  description: string;
  place: string;
}

/**
 * The score from which an idea is suggested. On data/test/duplicate-ideas-uk.json, a card's title
 * typed alone against the other cards whole (the set the measure was tuned on), the best three
 * above 0.3 hold a card of its own group for 84% of the cards that have one, and 43% of what is
 * shown is of its group (the rest mostly shares a street or a project's words); on the second
 * tuning set, worded further apart (data/test/duplicate-ideas-uk-tuning2.json), 60% and 24%; on
 * the third (…-tuning3.json), 64% and 25% (50% and 20% before its domains and place aliases).
 * Earlier, at 0.4,
 * those were 53% and 54%: fewer duplicates caught for a list that is short anyway.
 */
export const SUGGEST_FROM = 0.3;
export { SUGGEST_AFTER_CHARS, SUGGEST_MAX } from './suggestLimits.js';

// Computed once per idea as it is: a change of an idea makes a new object.
const prints = new WeakMap<SuggestedIdea, IdeaFingerprint>();
const printOf = (idea: SuggestedIdea): IdeaFingerprint => {
  let print = prints.get(idea);
  if (!print) prints.set(idea, (print = fingerprint(idea)));
  return print;
};

/**
 * The wall's ideas most like the draft, best first, leaving out `skip` (a card compared with the
 * others, when measuring). Once a priority is chosen, only its ideas: duplicates are merged within
 * a priority, and another's ideas sharing a street or a word would only crowd the list.
 */
export function similarIdeas<I extends SuggestedIdea>(
  draft: { priorityCode: string; title: string; description: string; place: string },
  ideas: readonly I[],
  skip?: string,
): I[] {
  if (textLength(draft.title.trim()) < SUGGEST_AFTER_CHARS) return [];
  const typed = fingerprint({ id: '', ...draft });
  // The same project at another place is shown too: the resident may back that one, or see that
  // theirs is another. So the list goes by the higher of the two scores, which is the project's
  // but for a nudge up at the same place.
  const scored: { idea: I; score: number }[] = [];
  for (const idea of ideas) {
    if (idea.id === skip || (draft.priorityCode && idea.priorityCode !== draft.priorityCode)) continue;
    const { duplicate, theme } = fingerprintScores(typed, printOf(idea));
    const score = Math.max(duplicate, theme);
    if (score >= SUGGEST_FROM) scored.push({ idea, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.idea.id < b.idea.id ? -1 : 1));
  return scored.slice(0, SUGGEST_MAX).map((s) => s.idea);
}
