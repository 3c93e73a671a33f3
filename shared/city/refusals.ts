// Every reason a city vote's rules refuse a ballot or a vote's definition, in the forum's refusal
// style (shared/forum/errors.ts: a Decision that is either accepted with a value or refused with a
// code and its params). An ack carries one as CITY_REFUSED with the code as its `reason`
// (shared/forum/city.ts), worded from shared/i18n/city/; each comment says what the voter or
// organiser did and which params come with it.

export const CITY_REFUSAL_CODES = [
  /** The ballot is not of the shape a ballot has (params: field). */
  'BALLOT_MALFORMED',
  /** A ballot of another kind than the vote's (params: expected, given). */
  'BALLOT_WRONG_KIND',
  /** The ballot is for a budget this vote does not have (params: budgetId). */
  'BALLOT_UNKNOWN_BUDGET',
  /** A ballot with no project on it: a voter who changes their mind withdraws instead. */
  'BALLOT_EMPTY',
  /** A project this vote does not have (params: projectId). */
  'BALLOT_UNKNOWN_PROJECT',
  /** A project on another budget's ballot (params: projectId, budgetId: the project's own). */
  'BALLOT_WRONG_BUDGET',
  /** The same project named twice on one ballot (params: projectId). */
  'BALLOT_DUPLICATE_PROJECT',
  /** An approval ballot choosing more projects than allowed (params: max, given). */
  'BALLOT_TOO_MANY_CHOICES',
  /** A knapsack ballot whose projects cost more than the budget (params: amount, total). */
  'BALLOT_OVER_BUDGET',
  /** Points that are not a whole number of at least 1 (params: projectId). */
  'BALLOT_BAD_POINTS',
  /** More points on one project than the cap (params: projectId, max, given). */
  'BALLOT_POINTS_OVER_CAP',
  /** More points in all than a ballot has (params: max, given). */
  'BALLOT_POINTS_OVER_TOTAL',
  /** A definition with two budgets or two projects of one id (params: id). */
  'VOTE_DUPLICATE_ID',
  /** An id empty, too long, or with a character the published ballot list cannot hold (params: id). */
  'VOTE_BAD_ID',
  /** A project on a budget the definition does not have (params: projectId, budgetId). */
  'VOTE_UNKNOWN_BUDGET',
  /** A cost or amount that is not a whole number of currency units above zero (params: id). */
  'VOTE_BAD_AMOUNT',
  /** A budget with no project on its ballot (params: budgetId). */
  'VOTE_EMPTY_BUDGET',
  /** A ballot or tie parameter out of range (params: field). */
  'VOTE_BAD_PARAMETER',
] as const;

export type CityRefusalCode = (typeof CITY_REFUSAL_CODES)[number];

export interface CityRefusal {
  code: CityRefusalCode;
  params?: Record<string, string | number>;
}

export type CityDecision<T> = { ok: true; value: T } | { ok: false; error: CityRefusal };

export const refuseCity = (code: CityRefusalCode, params?: Record<string, string | number>): { ok: false; error: CityRefusal } => ({
  ok: false,
  error: params ? { code, params } : { code },
});

export const acceptCity = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
