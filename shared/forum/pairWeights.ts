// The learned pair scorer's weights (similarity.ts, PAIR_FEATURES' order, then the bias), trained
// on the tuning set alone, data/test/duplicate-ideas-uk.json, by `npx tsx scripts/train-pair-scorer.ts --write`,
// which writes this file. Null: the fixed mixture of trigrams and stems.

export const PAIR_WEIGHTS: readonly number[] | null = null;
