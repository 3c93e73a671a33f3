// One command from one connection: rate limits (a resend of a known action passes) → role → schema → exactly-once → rule → commit →
// ack, once the commit's batch is on disk (group commit: see ForumRoom.commit). Every refusal is an ack in the sender's language; nothing else is touched.
// The path up to the schema (receiveCommands) and the refusal of what a command throws (refusalOf)
// serve the forum list's commands too (forumList.ts).

import type { RuleError } from '../../shared/forum/errors.js';
import { errorMessage } from '../../shared/i18n/all.js';
import { COMMANDS, type Ack, type CommandName, type Lang, type Role } from '../../shared/protocol.js';
import type { z } from 'zod';
import { StorageUnavailable } from '../errors.js';
import { Refusal, type ForumRoom } from '../forum/room.js';
import { HandlerContext, type HandlerServices } from '../handlers/define.js';
import { HANDLERS } from '../handlers/index.js';
import type { Logger } from '../log.js';
import { take, type Verdict } from './limits.js';
import type { AppSocket } from './connection.js';

/**
 * Commands refused for going too fast within FLOOD_WINDOW_MS before the connection is cut. A phone
 * that keeps sending after being told to wait is a script; its acks would cost the server for
 * nothing. A person never comes near: the budget refills faster than anyone taps.
 */
export const FLOOD_CUTOFF = 200;
export const FLOOD_WINDOW_MS = 10_000;

/** Commands an archived forum still takes: none of them changes it. */
const READ_ONLY_COMMANDS: ReadonlySet<CommandName> = new Set(['session:setLanguage', 'wall:watch', 'wall:ideas', 'wall:similar', 'export:grant', 'facilitator:rotateKey']);

export interface DispatchDeps {
  room: ForumRoom;
  log: Logger;
  services: (socket: CommandSocket) => HandlerServices;
  /** Told of every answer (the metrics count them). */
  answered?: (result: Ack<unknown>) => void;
}

export function refusalAck(lang: Lang, error: RuleError): Ack<never> {
  return {
    ok: false,
    error: { code: error.code, message: errorMessage(lang, error), ...(error.params ? { params: error.params } : {}) },
  };
}

/**
 * The disk's refusal: its cause, and `outcome: 'unknown'` when the action may be stored all the
 * same (its commit failed half-way and could not be read back): a phone then sends it again under
 * its id until the server can say, and never reports it not saved.
 */
export function storageRefusal(err: StorageUnavailable): RuleError {
  return { code: 'STORAGE_UNAVAILABLE', params: err.outcome === 'unknown' ? { cause: err.reason, outcome: 'unknown' } : { cause: err.reason } };
}

/**
 * What a command threw, as its refusal: the rule's own, the disk's (the storage's health has
 * logged it once), or INTERNAL for anything else, which is logged.
 */
export function refusalOf(err: unknown, logUnexpected: (err: unknown) => void): RuleError {
  if (err instanceof Refusal) return err.error;
  if (err instanceof StorageUnavailable) return storageRefusal(err);
  logUnexpected(err);
  return { code: 'INTERNAL' };
}

/** How one namespace's connections send commands, for receiveCommands. */
export interface CommandPath<N extends string> {
  /** The namespace's commands: each one's schema, and the roles that may send it (any, when absent). */
  commands: { readonly [K in N]: { readonly schema: z.ZodType; readonly roles?: readonly Role[] } };
  /** Who sends them, read at each command (a connection may change its language). */
  sender: { readonly role: Role; readonly lang: Lang };
  /** Spends the command's budgets (`name` null: not a command); the first empty one refuses it. */
  withinLimits(name: N | null, payload: unknown, rawAck: unknown): Verdict;
  /** Told of a command refused for going too fast; true when the connection was cut for it, unanswered. */
  limited?(): boolean;
  /** Runs a command that passed: its payload is the schema's output. */
  run(name: N, data: unknown, ack: (result: Ack<unknown>) => void): void;
  /** Told of every answer (the metrics count them). */
  answered?: (result: Ack<unknown>) => void;
}

/**
 * The path every command takes before it runs: its budgets, an ack to answer on, a command of the
 * namespace, the sender's role, and a payload its schema takes. Each refusal is an ack in the
 * sender's language. One listener for every event, not one per command: a connection costs the
 * server less memory and less time to set up, which counts when thousands of phones come back at once.
 */
export function receiveCommands<N extends string>(socket: { onAny(listener: (event: string, ...args: unknown[]) => void): unknown }, path: CommandPath<N>): void {
  const refuse = (ack: (r: Ack<never>) => void, error: RuleError) => ack(refusalAck(path.sender.lang, error));
  socket.onAny((event: string, ...args: unknown[]) => {
    const name = Object.hasOwn(path.commands, event) ? (event as N) : null;
    const payload = name === null ? undefined : args[0];
    const rawAck = name === null ? args.at(-1) : args[1];
    const verdict = path.withinLimits(name, payload, rawAck);
    const answered = path.answered;
    const given = rawAck as (result: Ack<unknown>) => void;
    const ack = answered && typeof rawAck === 'function' ? (result: Ack<unknown>) => (answered(result), given(result)) : given;
    if (!verdict.ok) {
      if (path.limited?.()) return;
      if (typeof rawAck === 'function') refuse(ack, { code: 'RATE_LIMITED', params: { seconds: verdict.retryAfter } });
      return;
    }
    // Without an ack function nobody could learn the outcome; the command is refused unseen.
    if (typeof rawAck !== 'function') return;
    if (name === null) return refuse(ack, { code: 'BAD_INPUT', params: { field: 'command' } });
    const command = path.commands[name];
    if (command.roles && !command.roles.includes(path.sender.role)) return refuse(ack, { code: 'FORBIDDEN' });
    const parsed = command.schema.safeParse(payload);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path[0];
      return refuse(ack, { code: 'BAD_INPUT', params: typeof field === 'string' ? { field } : {} });
    }
    path.run(name, parsed.data, ack);
  });
}

/**
 * What handleCommands needs of a connection: its session, its commands, and a way to cut it. A
 * Socket.IO connection, or the phone page's join form (socket.ts, joinFromPage), which sends its
 * one command down this same path.
 */
export type CommandSocket = Pick<AppSocket, 'data' | 'disconnect'> & { onAny(listener: (event: string, ...args: unknown[]) => void): unknown };

/** Registers every command of the protocol on a connection, and a refusal for anything else. */
export function handleCommands(socket: CommandSocket, deps: DispatchDeps): void {
  const session = socket.data.session;
  const services = deps.services(socket);
  const { limits, admission } = services;

  /**
   * The connection's, the participant's and the address's budgets; the first empty one refuses.
   * The address's is phones' alone: a console, projector or host proved its key, and phones on a
   * network it shares must not spend its commands (pausing joining, voiding a burst).
   */
  function withinLimits(): Verdict {
    const now = Date.now();
    const own = take(session.commands, limits.settings.commandsPerConnection, now);
    if (!own.ok) return own;
    if (session.participantId) {
      const mine = limits.participants.take(session.participantId, now);
      if (!mine.ok) return mine;
    }
    if (session.role === 'phone' && session.address && admission.maxPerAddress() > 0) return limits.addresses.take(session.address, now);
    return own;
  }

  const refuse = (ack: (r: Ack<never>) => void, error: RuleError) => ack(refusalAck(session.lang, error));

  /**
   * A resend of an action the forum has already taken (its id known): a phone whose ack was lost
   * sends it again until it hears, and told RATE_LIMITED it could not tell a saved tap from a
   * refused one. Answering it as done costs what a refusal costs: one lookup, one ack.
   */
  function knownResend(payload: unknown): boolean {
    if (!session.participantId || typeof payload !== 'object' || payload === null) return false;
    const actionId = (payload as { actionId?: unknown }).actionId;
    return typeof actionId === 'string' && deps.room.findAction(`${session.participantId}:${actionId}`) !== undefined;
  }

  receiveCommands<CommandName>(socket, {
    commands: COMMANDS,
    sender: session,
    withinLimits(name, payload, rawAck) {
      const verdict = withinLimits();
      return !verdict.ok && name !== null && typeof rawAck === 'function' && knownResend(payload) ? { ok: true } : verdict;
    },
    limited() {
      admission.refused('rateLimited');
      const now = Date.now();
      if (now - session.limited.since > FLOOD_WINDOW_MS) session.limited = { count: 0, since: now };
      if (++session.limited.count < FLOOD_CUTOFF) return false;
      deps.log.warn({ address: session.address, role: session.role }, 'connection cut: it kept sending after being rate-limited');
      socket.disconnect(true);
      return true;
    },
    // A command that decides across turns of the event loop (a merge of thousands of ballots)
    // holds the forum's order: what comes meanwhile is taken after it, in order.
    run: (name, data, ack) => deps.room.whenFree(() => run(name, data, ack)),
    answered: deps.answered,
  });

  function run(name: CommandName, parsedData: unknown, ack: (result: Ack<unknown>) => void): void {
    // An archived forum is read-only: what does not change it (a language, a download link) still works.
    if (deps.room.state.archived && !READ_ONLY_COMMANDS.has(name)) return refuse(ack, { code: 'ARCHIVED' });
    const data = parsedData as { actionId?: string; ideaId?: string };
    const actionKey = session.participantId && data.actionId ? `${session.participantId}:${data.actionId}` : null;
    const ctx = new HandlerContext(deps.room, session, actionKey, services);
    const handler = HANDLERS[name] as (typeof HANDLERS)[CommandName];
    /** Returns a token taken for this command when the rule refuses it or the disk does not keep it. */
    let giveBack: (() => void) | undefined;
    /** Every ack that says something happened waits until the batch holding it is on disk. */
    const pendingBefore = deps.room.pendingCount;
    // `resend`: the answer to an action already taken, which may still be in the batch being written:
    // it shares that batch's fate.
    const ackWhenDurable = (result: Ack<unknown>, resend = false) => {
      // A command decided across turns knows whether it stored something: others' batches may have been written meanwhile.
      const stored = ctx.committed ?? deps.room.pendingCount > pendingBefore;
      if (!resend && !stored) {
        return deps.room.afterFlush(() => ack(result));
      }
      deps.room.whenDurable((failure) => {
        if (failure === null) return ack(result);
        giveBack?.();
        if (failure instanceof StorageUnavailable) return refuse(ack, storageRefusal(failure));
        deps.log.error({ err: failure, command: name }, 'command failed');
        refuse(ack, { code: 'INTERNAL' });
      });
    };
    try {
      const done = actionKey ? deps.room.findAction(actionKey) : undefined;
      if (done) {
        // The same id again: a resend of the same action is answered as done; anything else is a reuse.
        if (done.command !== name || (done.target !== null && done.target !== data.ideaId) || !handler.resend) {
          return refuse(ack, { code: 'ACTION_ID_REUSED' });
        }
        return ackWhenDurable({ ok: true, data: handler.resend(ctx, done), duplicate: true }, true);
      }
      // An id taken longer ago than the actions remembered above: a reuse too.
      if (actionKey && deps.room.actionKeyUsed(actionKey)) return refuse(ack, { code: 'ACTION_ID_REUSED' });
      // Changes the whole hall is sent are limited per participant. The token is taken before the
      // rule runs, so that changes sent at once cannot all pass a peek before any is counted; an
      // attempt refused, or not saved, reaches no one, and gives its token back.
      if (handler.changesIdeas && session.participantId) {
        const participantId = session.participantId;
        const changes = limits.ideaChanges.take(participantId);
        if (!changes.ok) {
          admission.refused('rateLimited');
          return refuse(ack, { code: 'RATE_LIMITED', params: { seconds: changes.retryAfter } });
        }
        giveBack = () => limits.ideaChanges.giveBack(participantId);
      }
      const result = (handler.run as (c: HandlerContext, p: unknown) => unknown)(ctx, parsedData);
      if (!(result instanceof Promise)) return ackWhenDurable({ ok: true, data: result });
      // Decided across turns of the event loop: the forum's order is held until it is stored or refused.
      ctx.committed = false;
      const release = deps.room.hold();
      result.then(
        (value) => {
          ackWhenDurable({ ok: true, data: value });
          release();
        },
        (err: unknown) => {
          failed(err);
          release();
        },
      );
    } catch (err) {
      failed(err);
    }

    function failed(err: unknown): void {
      giveBack?.();
      refuse(ack, refusalOf(err, (e) => deps.log.error({ err: e, command: name }, 'command failed')));
    }
  }
}
