// When and how many ideas are suggested while a title is typed: the phone's form needs only these,
// not the measure behind them (suggest.ts), whose word tables would add to its bundle.

/** At most this many: a list to glance at under the title, not a second wall. */
export const SUGGEST_MAX = 3;
/** A title shorter than this says too little to compare ("Парк" is like every park). */
export const SUGGEST_AFTER_CHARS = 8;
