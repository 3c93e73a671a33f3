// Every reason the server can refuse something. The code travels in the ack; the message is looked
// up in the sender's language (shared/i18n), with the params filled in.

export const ERROR_CODES = [
  'PROTOCOL_MISMATCH',
  'BAD_INPUT',
  'FORBIDDEN',
  'NOT_JOINED',
  'ALREADY_JOINED',
  'WRONG_CODE',
  'INVALID_TOKEN',
  'WRONG_PHASE',
  'BAD_TRANSITION',
  'IDEA_LIMIT',
  'IDEA_NOT_FOUND',
  'NOT_AUTHOR',
  'IDEA_NOT_ACTIVE',
  'IDEA_NOT_HIDDEN',
  /** A correction that would leave the idea exactly as it is. */
  'IDEA_UNCHANGED',
  /** Hiding would give dots back to a different number of voters than the moderator confirmed: asked again with the figure. */
  'HIDE_CONFIRM',
  'TEXT_REQUIRED',
  'TEXT_TOO_LONG',
  'UNKNOWN_PRIORITY',
  'UNKNOWN_GOAL',
  'BUDGET_EXCEEDED',
  'CAP_EXCEEDED',
  'NO_DOT_TO_REMOVE',
  'ALREADY_REVEALED',
  'MERGE_ACROSS_PRIORITIES',
  /** An idea others' ideas were merged into cannot be withdrawn by its author. */
  'IDEA_HAS_MERGED',
  'MERGE_NOT_FOUND',
  /** The surviving idea was merged again or hidden since: that has to be undone first. */
  'MERGE_NOT_UNDOABLE',
  'HOST_NOT_FOUND',
  /** Paper stickers before the facilitator has said how many paper ballots were handed out. */
  'PAPER_NO_BALLOTS',
  /** More stickers on one idea than the paper ballots handed out can carry (ballots × cap). */
  'PAPER_IDEA_OVER_BALLOTS',
  /** More stickers in one priority than the paper ballots handed out can carry (ballots × budget). */
  'PAPER_PRIORITY_OVER_BALLOTS',
  /** Fewer paper ballots than the stickers already entered need. */
  'PAPER_BALLOTS_BELOW',
  /** A table host acting outside the priority they were invited for. */
  'OUT_OF_SCOPE',
  /** The projector can show only what has been revealed. */
  'NOT_REVEALED',
  /** The public results page opens only once at least one priority has been revealed. */
  'NOTHING_REVEALED',
  /** The public results page, asked for while the facilitator has not published it. */
  'RESULTS_NOT_PUBLISHED',
  'BAD_STRUCTURE',
  /** A change to an archived forum: it is read-only until taken out of the archive. */
  'ARCHIVED',
  'NOT_ARCHIVED',
  /** No forum with that id (or address) on this server. */
  'FORUM_NOT_FOUND',
  /** A forum another server process owns now (its lease went there): this one no longer writes it. */
  'FORUM_ELSEWHERE',
  /** Deleting a forum asks for its title, typed exactly. */
  'TITLE_MISMATCH',
  /** An imported forum that this server already holds. */
  'FORUM_EXISTS',
  /** A forum file that is not one, or whose log the rules refuse. */
  'BAD_FORUM_FILE',
  /** A shortlist with no idea in it, or an idea that is not ranked in its forum. */
  'BAD_SHORTLIST',
  /** A city vote's command in a forum that is not vote-only, or has no city vote defined yet. */
  'CITY_NO_VOTE',
  /** A city vote's definition changed once the vote has opened (or closed). */
  'CITY_VOTE_OPEN',
  /** A definition saved on an older one than the server holds: another console saved since (params: revision, the server's). */
  'CITY_DEFINITION_CHANGED',
  /** A ballot or definition the city vote's rules refuse (params: reason, a code of shared/city/refusals.ts, and its params). */
  'CITY_REFUSED',
  /** A withdrawal of a ballot this voter has not cast in that budget (params: budgetId). */
  'CITY_NO_BALLOT',
  /** A receipt code given twice in one vote: the phone makes a new one. */
  'CITY_RECEIPT_USED',
  /** This person's ballot is bound to another channel (params: channel): a person votes online, at a service point or on paper, once. */
  'CITY_CHANNEL_TAKEN',
  /** Staff cast a second in-person ballot in a budget for a person who has one there (params: budgetId). */
  'CITY_ALREADY_VOTED',
  /** Staff identified a resident by another proof than the vote's way asks for (params: expected). */
  'STAFF_PROOF_KIND',
  /** Dots in a forum whose ballots are the city vote's. */
  'CITY_BALLOTS_ONLY',
  /** A city vote's results or ballot lists asked for before it closes. */
  'CITY_NOT_CLOSED',
  /** No published ballot line under that receipt. */
  'RECEIPT_NOT_FOUND',
  /** A closed vote's personal data was deleted: no proof is taken, and it cannot be deleted twice. */
  'PERSONS_ANONYMISED',
  'RATE_LIMITED',
  /** A hall code that was valid a while ago: a photo of the projector's QR, say. */
  'CODE_EXPIRED',
  'TICKET_USED',
  'TICKET_NOT_FOUND',
  'TICKET_NOT_USED',
  'TICKET_LIMIT',
  /** A vote where each person proves who they are: a device cannot join with a plain code. */
  'IDENTITY_REQUIRED',
  /** The way people prove who they are cannot change once anyone holds a ballot. */
  'IDENTITY_LOCKED',
  /** A voter code whose check part does not match: mistyped, or guessed. */
  'WRONG_VOTER_CODE',
  /** A row of the eligibility list without a number or a second fact. */
  'LIST_ROW_EMPTY',
  /** Neither an e-mail address nor a phone number the server can read. */
  'BAD_CONTACT',
  /** A one-time code that does not match the one sent. */
  'ONE_TIME_CODE_WRONG',
  /** No code waits for this address or number (never sent, used, expired or tried too often). */
  'ONE_TIME_CODE_EXPIRED',
  /** The code could not be sent (no provider set up, or it failed). */
  'CODE_NOT_SENT',
  /** A vote whose persons were hashed under another server's key (moved by its forum file): proofs here would not find them. */
  'IDENTITY_KEY_ELSEWHERE',
  /**
   * An e-ID sign-in, or staff's entry in an e-ID vote, on a server that keys e-ID persons otherwise
   * (OIDC_PERSON_CLAIM) than the vote's first e-ID person was (params: began, now: the claim's name,
   * '' for the provider's subject): one resident would be two persons with two ballots.
   */
  'EID_SETTING_CHANGED',
  /** An e-ID sign-in this server did not start, or started over 10 minutes ago. */
  'SIGN_IN_EXPIRED',
  /** The e-ID provider's answer could not be taken (refused, altered, or the provider unreachable). */
  'SIGN_IN_FAILED',
  /** The server has no provider for this way of proving who one is. */
  'SENDER_MISSING',
  /** More voter codes or list entries than one vote holds. */
  'IDENTITY_LIMIT',
  /** No entry of the eligibility list has this number and second fact. */
  'NOT_LISTED',
  /** This client address already has as many participants as the facilitator allows. */
  'ADDRESS_LIMIT',
  /** The hall is full or joining is paused: the device waits for the facilitator's approval. */
  'AWAITING_APPROVAL',
  /** The facilitator refused this device's waiting join. */
  'JOIN_REFUSED',
  /** So many devices already wait that no more are taken. */
  'WAITING_FULL',
  /** A connection that holds a ballot, or waits for one, asked for another with a new device token. */
  'CONNECTION_HAS_BALLOT',
  /** No waiting device with that id (approved, refused or gone meanwhile). */
  'WAITING_NOT_FOUND',
  /** A void of a burst whose window and range find nobody. */
  'NONE_SELECTED',
  /** Too many open connections from one client address. */
  'CONNECTION_LIMIT',
  'VOIDED',
  'ALREADY_VOIDED',
  /** A void once the hall has been shown results: it would change the rankings shown. */
  'RESULTS_SHOWN',
  /** An action id already used for another command. */
  'ACTION_ID_REUSED',
  /** A download or print link whose grant has expired. */
  'GRANT_EXPIRED',
  /** A download link made before the facilitator's key was changed. */
  'GRANT_REVOKED',
  /** A download link whose grant is damaged, altered or signed by no key of this server. */
  'GRANT_INVALID',
  /** A download link made for another forum or another kind of file. */
  'GRANT_NOT_HERE',
  /** The server could not save (disk full, database locked, read-only): nothing was saved. */
  'STORAGE_UNAVAILABLE',
  'INTERNAL',
  /** Given by the client itself when the server did not answer in time. */
  'TIMEOUT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorParams = Record<string, string | number>;

export interface RuleError {
  code: ErrorCode;
  params?: ErrorParams;
}

export type Decision<T> = { ok: true; value: T } | { ok: false; error: RuleError };

export const refuse = (code: ErrorCode, params?: ErrorParams): { ok: false; error: RuleError } => ({
  ok: false,
  error: params ? { code, params } : { code },
});

export const accept = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
