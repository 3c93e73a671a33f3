// The runtime shapes of a city vote's parts, for what arrives from outside: the console's
// definition and a phone's ballot (shared/protocol.ts), a stored vote in a forum file
// (server/forums/fileEvents.ts) and a snapshot (shared/forum/snapshot.ts). Generous transport
// bounds only: checkVote.ts and checkBallot.ts give the exact limits with a clear refusal. Phones
// never import this file (it carries the schema library).

import { z } from 'zod';

const money = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const cityId = z.string().min(1).max(64);
const text = (max: number) => z.string().max(max * 4);

export const ballotRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('approval'), maxChoices: z.number().int() }),
  z.strictObject({ kind: z.literal('points'), points: z.number().int(), maxPerProject: z.number().int() }),
  z.strictObject({ kind: z.literal('knapsack') }),
]);

export const countingRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('greedy') }),
  z.strictObject({ kind: z.literal('equalShares'), step: z.number().int().optional() }),
]);

export const tieRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('cheaperThenListed') }),
  z.strictObject({ kind: z.literal('cheaperThenLottery'), seed: z.string().max(200) }),
]);

const placeSchema = z.strictObject({ country: text(200), unit: text(200) });
const privacySchema = z.strictObject({ controller: text(200), contact: text(200), retainUntil: z.string().max(10), purpose: text(1000).optional() });
const budgetSchema = z.strictObject({ id: cityId, name: text(120), amount: money });

/** A vote as the console sends it: projects typed in, or taken from the forum's ideas by id. */
export const cityVoteInputSchema = z.strictObject({
  title: text(120),
  budgets: z.array(budgetSchema).max(200),
  projects: z
    .array(
      z.strictObject({
        id: cityId,
        budgetId: cityId,
        cost: money,
        title: text(120).optional(),
        description: text(1000).optional(),
        place: text(200).optional(),
        ideaId: cityId.optional(),
      }),
    )
    .max(2000),
  ballot: ballotRuleSchema,
  counting: countingRuleSchema,
  tie: tieRuleSchema,
  place: placeSchema.optional(),
  privacy: privacySchema.optional(),
});

/** A vote as stored (vote.ts's CityVote). */
export const cityVoteSchema = z.strictObject({
  id: cityId,
  title: text(120),
  budgets: z.array(budgetSchema).max(200),
  projects: z
    .array(
      z.strictObject({
        id: cityId,
        title: text(120),
        cost: money,
        budgetId: cityId,
        originIdeaId: cityId.optional(),
        description: text(1000).optional(),
        place: text(200).optional(),
        origin: z.strictObject({ title: text(120), forumTitle: text(200) }).optional(),
      }),
    )
    .max(2000),
  ballot: ballotRuleSchema,
  counting: countingRuleSchema,
  tie: tieRuleSchema,
  place: placeSchema.optional(),
  privacy: privacySchema.optional(),
});

/** A ballot as stored, checked by checkBallot before it was. */
export const cityBallotSchema = z.union([
  z.strictObject({ kind: z.enum(['approval', 'knapsack']), budgetId: cityId, projectIds: z.array(cityId).max(2000) }),
  z.strictObject({ kind: z.literal('points'), budgetId: cityId, points: z.array(z.strictObject({ projectId: cityId, points: z.number().int() })).max(2000) }),
]);
