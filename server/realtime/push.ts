// Pushing changes out, coalesced. Phones get their own view and notices at once; the counts of
// ideas per priority and the page of the wall each phone watches at most once per `ideaPatchMs`,
// so a burst of edits reaches each phone as one change whatever the sender does, and within a
// budget of bytes a second per phone whatever the number of senders (wallPages.ts). The projector and the console are sent again at most every `displayThrottleMs`
// (a large forum's console less often: see throttled), and at each change of the hall's join code.

import { t, type MessageKey } from '../../shared/i18n/all.js';
import type { Admission } from '../forum/admission.js';
import type { ForumRoom } from '../forum/room.js';
import { meView, phoneResults, phoneView, screenView } from '../forum/views.js';
import type { MeView, Notice, PhoneResult, ScreenView, WallPage } from '../../shared/protocol.js';
import type { ConsoleViews } from './consoles.js';
import { ViewStream } from './viewStream.js';
import { WALL_BUDGET, type WallBudget } from './wallPace.js';
import { GZIP_FROM_BYTES, WallPages, type WallWatch } from './wallPages.js';
import { taggedPhoneView } from './phoneTags.js';
import { gzipSync } from 'node:zlib';
import type { AppNamespace } from './connection.js';
import { participantRoom, PHONES, PHONES_GZ, SCREENS, STAFF } from './rooms.js';

/** By default the projector and console are sent again at most this often while changes keep coming. */
export const DISPLAY_THROTTLE_MS = 200;
/** By default the wall of ideas on phones changes at most once a second. */
export const IDEA_PATCH_MS = 1000;
/** How long one turn of the event loop may spend sending phones their own views and notices. */
const PHONES_TURN_MS = 10;

export interface PushOptions {
  displayThrottleMs?: number;
  /** Participants' rows in one part of a facilitator console's first view (consoles.ts, ROWS_PER_PART by default). */
  consoleRowsPerPart?: number;
  /** Participants past which the consoles ask for rows a page at a time (consoles.ts PAGED_ABOVE; tests set fewer). */
  consolePagedAbove?: number;
  /** How often a city vote's retention date is looked at (city/retention.ts; tests set less). */
  retentionCheckMs?: number;
  /** How long one turn may spend sending phones their own views and notices (PHONES_TURN_MS by default). */
  phonesTurnMs?: number;
  ideaPatchMs?: number;
  /** Each phone's page's pacing other than the default (WALL_BUDGET). */
  wallBudget?: Partial<WallBudget>;
}

export function startPushing(io: AppNamespace, room: ForumRoom, admission: Admission, consoles: ConsoleViews, options: PushOptions = {}) {
  const displayThrottleMs = options.displayThrottleMs ?? DISPLAY_THROTTLE_MS;
  const ideaPatchMs = options.ideaPatchMs ?? IDEA_PATCH_MS;
  const phonesTurnMs = options.phonesTurnMs ?? PHONES_TURN_MS;
  const pending = { forum: false, results: false };
  /**
   * Phones to send their own view (me) and notices to, in the order the changes came, each with its
   * notices in order. Sent PHONES_TURN_MS of work a turn of the event loop: a void or a merge that
   * touches 2,500 ballots of a large forum changes as many views and sends ten times as many notices.
   */
  const waiting = new Map<string, { me: boolean; notices: Omit<Notice, 'message'>[] }>();
  const waitingFor = (participantId: string) => {
    let entry = waiting.get(participantId);
    if (!entry) waiting.set(participantId, (entry = { me: false, notices: [] }));
    return entry;
  };
  const pages = new WallPages(room, { ...WALL_BUDGET, ...options.wallBudget });
  /** The counts as last sent to every phone. */
  let countsSent: Record<string, number> = {};
  // Participants whose view goes back in an ack, by the connection that sent the action: a dot's
  // `me` reaches the phone once, not twice. Only when the view pushed would be the same view.
  const acking = new Map<string, { socketId: string; view: MeView }>();
  let phoneFlush: NodeJS.Immediate | null = null;
  let ideaTimer: NodeJS.Timeout | null = null;
  let ideaTimerAt = Infinity;
  let lastIdeas = 0;
  /** The wall waits for the batch being gathered or written (flushIdeas). */
  let ideasWait = false;

  const scheduleIdeas = (at: number) => {
    if (ideaTimer && ideaTimerAt <= at) return;
    if (ideaTimer) clearTimeout(ideaTimer);
    ideaTimerAt = at;
    ideaTimer = setTimeout(flushIdeas, Math.max(0, at - Date.now()));
  };

  /** Sends the counts if they changed, and each phone what its budget allows of its page's changes; looks again when the rest may go. */
  function flushIdeas() {
    if (ideaTimer) clearTimeout(ideaTimer);
    ideaTimer = null;
    ideaTimerAt = Infinity;
    // Nothing is sent that is not yet stored: with actions waiting for the store, the patch goes
    // when their batch is done (never sooner: a push does not make a write happen).
    if (room.pendingCount > 0) {
      if (!ideasWait) room.afterFlush(flushIdeasStored);
      ideasWait = true;
      return;
    }
    flushIdeasStored();
  }

  /** A page to a phone, acked by it: the next change to its page waits for that. */
  const sendPage = (socketId: string, page: WallPage) =>
    io.sockets.get(socketId)?.emit('wall:page', page, () => {
      if (pages.received(socketId)) scheduleIdeas(Math.max(Date.now(), lastIdeas + ideaPatchMs));
    });

  function flushIdeasStored() {
    ideasWait = false;
    const now = Date.now();
    lastIdeas = now;
    // Only the counts that changed: a new idea changes one of them.
    const counts = pages.counts();
    const changed = Object.fromEntries(Object.entries(counts).filter(([code, n]) => countsSent[code] !== n));
    countsSent = counts;
    if (Object.keys(changed).length > 0) io.to(PHONES).emit('wall:counts', changed);
    flushPages(now);
  }

  /** The phones' pages, a slice of time per turn; the rest in the next turn, once nothing waits for the store. */
  let pagesLater: NodeJS.Immediate | null = null;
  function flushPages(now = Date.now()) {
    if (pagesLater) clearImmediate(pagesLater);
    pagesLater = null;
    const { next, more } = pages.flush(now, sendPage, PHONES_TURN_MS);
    if (more) pagesLater = setImmediate(() => (room.pendingCount > 0 ? room.afterFlush(() => flushPages()) : flushPages()));
    if (next !== null) scheduleIdeas(Math.max(next, now + ideaPatchMs));
  }

  // Revealed results, worked out once per version of the forum, go to phones a ranking at a time,
  // only when it changed: a timer or a slide does not resend them, a reveal sends the one revealed.
  let results: { state: unknown; version: number; list: PhoneResult[]; json: Map<string, string>; packed: Map<string, PhoneResult> } = { state: null, version: -1, list: [], json: new Map(), packed: new Map() };
  const resultsSent = new Map<string, string>();
  /** The forum as last pushed to every phone (a phone that connects is sent it as it is). */
  let phoneForumSent = '';
  /**
   * A ranking as a phone that unpacks gzip gets it: its rows' JSON packed when large (a priority's
   * 50 rows of Ukrainian titles, about 11 KiB, go in about a third), once per ranking.
   */
  const packedResult = (now: typeof results, r: PhoneResult): PhoneResult => {
    let packed = now.packed.get(r.priorityCode);
    if (!packed) {
      const json = JSON.stringify(r.rows);
      packed = Buffer.byteLength(json) < GZIP_FROM_BYTES ? r : { ...r, rows: [], gz: gzipSync(json, { level: 6 }) };
      now.packed.set(r.priorityCode, packed);
    }
    return packed;
  };
  const resultsNow = () => {
    const { state, version } = room.shown;
    if (results.version !== version || results.state !== state) {
      const list = phoneResults(state);
      results = { state, version, list, json: new Map(list.map((r) => [r.priorityCode, JSON.stringify(r)])), packed: new Map() };
    }
    return results;
  };

  /**
   * Sends the phones what changed, once it is stored: with actions waiting for the store, the end
   * of their batch sends it (onFlushed below), before the batch's acks.
   */
  const flushPhones = () => {
    phoneFlush = null;
    if (room.pendingCount === 0) sendPhones();
    else phonesWait = true;
  };
  let phonesWait = false;

  const sendPhones = () => {
    if (phoneFlush) clearImmediate(phoneFlush);
    phoneFlush = null;
    phonesWait = false;
    const state = room.shown.state;
    // A change of the forum (a phase, a reveal) goes out after the ideas waiting, as many as the
    // budget allows: in a real hall all of them; under a flood, removals first, the rest soon after.
    if (pending.forum) {
      flushIdeasStored();
      // Sent when it changed for phones: not at a slide or a reveal, which phones do not show.
      const view = phoneView(state, io.adapter.rooms.get(PHONES)?.size ?? 0);
      const json = JSON.stringify(view.forum);
      if (json !== phoneForumSent) {
        phoneForumSent = json;
        io.to(PHONES).to(STAFF).emit('phone', taggedPhoneView(view));
      }
    }
    if (pending.forum || pending.results) {
      const now = resultsNow();
      const changed = now.list.filter((r) => resultsSent.get(r.priorityCode) !== now.json.get(r.priorityCode));
      for (const r of changed) resultsSent.set(r.priorityCode, now.json.get(r.priorityCode)!);
      if (changed.length > 0) {
        io.to(PHONES).except(PHONES_GZ).emit('results', changed);
        io.to(PHONES_GZ).emit('results', changed.map((r) => packedResult(now, r)));
      }
    }
    const start = performance.now();
    for (const [id, { me: changed, notices }] of waiting) {
      waiting.delete(id);
      const sockets = io.adapter.rooms.get(participantRoom(id));
      // Nobody of theirs is connected: nothing to build or send (a merge or a void on a forum of
      // 5,000 ballots touches most of them, and built every one of their views).
      if (sockets?.size && changed) sendMe(id, sockets);
      acking.delete(id);
      if (!sockets?.size) continue;
      for (const notice of notices) {
        for (const socketId of sockets) {
          const s = io.sockets.get(socketId);
          if (!s) continue;
          const lang = s.data.session.lang;
          s.emit('notice', { ...notice, message: t(lang, `notice.${notice.code}` as MessageKey, notice.params) });
        }
      }
      if (performance.now() - start >= phonesTurnMs) break;
    }
    pending.forum = false;
    pending.results = false;
    // The rest in the next turn, once nothing is waiting for the store (flushPhones).
    if (waiting.size > 0) phoneFlush = setImmediate(flushPhones);
    else acking.clear();
  };

  /** A phone's own view, unless its ack carries the same (ackingMe). */
  const sendMe = (id: string, sockets: Set<string>) => {
    const me = meView(room.shown.state, id);
    const acked = acking.get(id);
    if (!acked || JSON.stringify(acked.view) !== JSON.stringify(me)) {
      io.to(participantRoom(id)).emit('me', me);
      return;
    }
    if (sockets.size > 1 || !sockets.has(acked.socketId)) io.to(participantRoom(id)).except(acked.socketId).emit('me', me);
  };

  // The projectors all see one view: sent as the changes since the last (viewStream.ts).
  const screens = new ViewStream<ScreenView>();
  const refreshScreens = (now: number, force: boolean) => {
    const any = (io.adapter.rooms.get(SCREENS)?.size ?? 0) > 0;
    if (!force && !any) return;
    const shown = room.shown;
    const patch = screens.update(screenView(shown.state, room.presence, admission.joinInfo(now), shown.version));
    if (patch && any) io.to(SCREENS).emit('screen:patch', patch);
  };

  // The projectors and the consoles each on their own clock: a console of a forum of thousands
  // takes tens of milliseconds to build and is sent less often; the projector's stays quick.
  const screensSender = throttled(() => refreshScreens(Date.now(), false), displayThrottleMs, 5, room);
  // The console at most a twentieth of the time: at 5,000 phones coming back at once its updates
  // (15-25 ms each, every participant's presence changing) were a tenth of the server's time.
  const consolesSender = throttled(() => consoles.sendAll(Date.now()), displayThrottleMs, 20, room);
  const scheduleDisplays = (now: boolean) => {
    screensSender.schedule(now);
    consolesSender.schedule(now);
  };

  const unsubscribe = room.onChange((effects) => {
    pending.forum ||= effects.forum;
    // A new phase may order the pages another way (voting: each phone's own order).
    if (effects.phase) pages.phaseChanged(Date.now());
    // Once a priority is revealed, anything may change its ranking (a paper card's dots, a merge).
    pending.results ||= room.state.revealed.length > 0;
    if (effects.ideas.size > 0) pages.changed(effects.ideas);
    for (const id of effects.me) waitingFor(id).me = true;
    for (const { participantId, notice } of effects.notices) waitingFor(participantId).notices.push(notice);
    if (effects.forum || pending.results || waiting.size > 0) phoneFlush ??= setImmediate(flushPhones);
    // Sooner than a look already planned for pages the budget held: this change may go.
    if (effects.ideas.size > 0 || effects.phase) scheduleIdeas(lastIdeas + ideaPatchMs);
    scheduleDisplays(effects.forum);
  });

  // A batch's changes reach the phones before the batch's acks reach their senders.
  const unflushed = room.onFlushed(() => {
    if (phoneFlush || phonesWait) sendPhones();
  });

  // The hall's code changes on the clock, not on an event: send the displays at each change, while
  // the forum still takes anyone (a closed one shows no code).
  let rotationTimer: NodeJS.Timeout | null = null;
  const scheduleRotation = () => {
    const next = (admission.period(Date.now()) + 1) * admission.periodMs;
    rotationTimer = setTimeout(() => {
      if (room.state.admission === 'hall' && room.state.phase !== 'closed') scheduleDisplays(true);
      scheduleRotation();
    }, next - Date.now() + 5);
  };
  scheduleRotation();

  // The console's joins per minute (the last ten) slide with the clock, not on an event: the
  // consoles are sent again at each minute while a join of the last ten minutes is in them, or they
  // would keep a window of minutes gone by until the next change.
  let minuteTimer: NodeJS.Timeout | null = null;
  const scheduleMinute = () => {
    minuteTimer = setTimeout(() => {
      const since = (Math.floor(Date.now() / 60_000) - 10) * 60_000;
      for (const p of room.state.participants.values()) {
        if (p.joinedAt >= since) {
          consolesSender.schedule(false);
          break;
        }
      }
      scheduleMinute();
    }, 60_000 - (Date.now() % 60_000) + 5);
    minuteTimer.unref();
  };
  scheduleMinute();

  return {
    /** A connection's ack will carry `view`: until the next push to phones, it need not be pushed the same. */
    ackingMe(socketId: string, view: MeView) {
      acking.set(view.participantId, { socketId, view });
    },
    /** A phone asks for a page of the wall (null: none): it is sent what it asked for at once. */
    watchWall(socketId: string, watch: WallWatch | null, participantId: () => string | undefined, gz: boolean, tag?: string): WallPage | null {
      const page = pages.watch(socketId, watch, participantId, Date.now(), gz, tag);
      // The page held is the page (`same`): a few bytes, nothing waits for the phone to take them,
      // and they go in the command's ack (watch.ts), not in a frame of their own.
      if (page && !page.same) sendPage(socketId, page);
      return page;
    },
    /** A phone's connection closed. */
    forgetPhone: (socketId: string) => pages.forget(socketId),
    /** The counts of ideas per priority a phone that connects is sent. */
    wallCounts: () => pages.counts(),
    /** Ideas by id, as on the wall. */
    wallIdeas: (ids: readonly string[]) => pages.ideas(ids),
    /** A priority's active ideas, newest first. */
    wallList: (priorityCode: string) => pages.list(priorityCode),
    /** The revealed results a phone that connects is sent. */
    phoneResults: (gz: boolean): PhoneResult[] => {
      const now = resultsNow();
      return gz ? now.list.map((r) => packedResult(now, r)) : now.list;
    },
    /** The projector's whole view at its current version, for a projector that connects or resyncs. */
    screenFor(now = Date.now()): { view: ScreenView; v: number } {
      refreshScreens(now, true);
      return screens.current()!;
    },
    /** Sends the projector and console again now (after something that is not an event changed). */
    refreshDisplays: () => scheduleDisplays(true),
    close() {
      unsubscribe();
      unflushed();
      if (phoneFlush) clearImmediate(phoneFlush);
      if (pagesLater) clearImmediate(pagesLater);
      if (ideaTimer) clearTimeout(ideaTimer);
      screensSender.close();
      consolesSender.close();
      if (rotationTimer) clearTimeout(rotationTimer);
      if (minuteTimer) clearTimeout(minuteTimer);
    },
  };
}

/**
 * Runs `send` when asked, at most every `minMs`, and at most every `share` times what it last
 * took: at most 1/share of the time goes to it, however large the forum. `now`: at once.
 */
function throttled(send: () => void, minMs: number, share: number, room: ForumRoom) {
  let timer: NodeJS.Timeout | null = null;
  let last = 0;
  let cost = 0;
  /** Waiting for the batch being gathered or written: nothing is sent that is not yet stored. */
  let waits = false;
  let closed = false;
  const run = () => {
    timer = null;
    if (waits) return;
    waits = true;
    room.afterFlush(sendNow);
  };
  const sendNow = () => {
    waits = false;
    if (closed) return;
    last = Date.now();
    const start = performance.now();
    send();
    cost = performance.now() - start;
  };
  return {
    schedule(now: boolean) {
      if (timer && !now) return;
      if (timer) clearTimeout(timer);
      // A throttle of 0 (the tests') sends every change at once, whatever it costs.
      const gap = minMs === 0 ? 0 : Math.max(minMs, cost * share);
      const wait = now ? 0 : Math.max(0, last + gap - Date.now());
      timer = setTimeout(run, wait);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
