// The facilitator's console and the hosts' consoles: one view built per update, each host's
// without what only the facilitator needs and with who they are, and sent as the changes since
// the last one (viewStream.ts); a console that connects or lost a patch gets the whole view, a
// large forum's in parts (see open).

import type { ConsoleParticipant, ConsoleView } from '../../shared/protocol.js';
import { diffView, type ViewPatch } from '../../shared/viewPatch.js';
import type { Admission } from '../forum/admission.js';
import type { Duplicates } from '../forum/duplicates.js';
import type { ForumRoom } from '../forum/room.js';
import { nextTurn } from '../forums/turns.js';
import { consoleView, hostView, rowsInSteps, warmConsole, type ConsoleStatus } from '../forum/views.js';
import type { Session } from './session.js';
import { ViewStream } from './viewStream.js';
import type { AppNamespace, AppSocket } from './connection.js';
import { CONSOLES, HOSTS, hostRoom } from './rooms.js';

/** Facilitators' consoles still being sent their first view in parts: their view is kept up to date, but no patch goes to them. */
const JOINING = 'consoles:joining';
/**
 * A facilitator's console is sent at most this many participants' rows in one turn of the event
 * loop. The whole first view of 5,000 participants (1 to 2 MB) held the loop 74 to 104 ms while it
 * was encoded and sent (scripts/stalls.ts); a hall of a few hundred is sent whole, as before.
 */
export const ROWS_PER_PART = 1000;

/**
 * Past this many participants (or in any city vote) a console is sent no rows, only their counts,
 * and asks for a page of rows at a time (participant:page): at 100,000 voters every change sent
 * each console a patch over 100,000 rows, and a first view of tens of MB (`BENCH_ONLY=consolepages
 * npm run bench`). A hall of 5,000 stays whole, as before: its console lists and sorts every row.
 */
export const PAGED_ABOVE = 5000;

/** What the console shows beside the forum: the storage's health, the newest backup, reachability. */
export type HealthSource = () => ConsoleStatus;

export interface ConsoleViews {
  /** The whole view for one console or host connection, at its audience's current version. */
  viewFor(session: Session, now?: number): { view: ConsoleView; v: number };
  /** Sends every console and host the changes to its view, if any is connected. */
  sendAll(now?: number): void;
  /**
   * Sends a facilitator's console its whole view, then the changes with the others: a large
   * forum's view in parts, a turn of the event loop each.
   */
  open(socket: AppSocket): void;
}

export function consoleViews(
  io: AppNamespace,
  room: ForumRoom,
  admission: Admission,
  health: HealthSource,
  duplicates: Duplicates,
  rowsPerPart = ROWS_PER_PART,
  pagedAbove = PAGED_ABOVE,
): ConsoleViews {
  const connected = (name: string) => (io.adapter.rooms.get(name)?.size ?? 0) > 0;
  /** Whether the consoles ask for rows a page at a time; once they do, they go on doing so. */
  let paged = false;
  const isPaged = () => (paged ||= room.state.city.vote !== null || room.state.participants.size > pagedAbove);
  /** Goes up at every change that may touch a row: a paged console asks for its page again. */
  let rowsVersion = 0;
  // Whose row may have changed since the last view: a change to the forum alone (a phase, a
  // reveal, a slide) leaves 5,000 rows as they were, and a few dots change a few. Anything that
  // touches a participant names them (effects.me), an idea they wrote (their idea count), or their
  // presence (effects.online); what names nobody (the storage's health) has every row looked at.
  let rowsChanged: Set<string> | 'all' = 'all';
  /** The rows of the last view built: rowsChanged is counted from them. */
  let lastRows: readonly ConsoleParticipant[] | undefined;
  room.onChange((effects) => {
    if (effects.rowsKept) return;
    if (effects.online !== undefined || effects.me.size > 0 || effects.ideas.size > 0 || !effects.forum) rowsVersion++;
    if (rowsChanged === 'all') return;
    if (effects.online !== undefined) rowsChanged.add(effects.online);
    else if (effects.me.size === 0 && effects.ideas.size === 0) {
      if (!effects.forum) rowsChanged = 'all';
    } else {
      for (const id of effects.me) rowsChanged.add(id);
      for (const id of effects.ideas) {
        const author = room.state.ideas.get(id)?.authorId;
        if (author) rowsChanged.add(author);
      }
    }
  });
  // A forum too large for one part of a first view has its rows and flags built ahead, a part a
  // turn, from when it opens (views.ts warmConsole).
  if (room.state.participants.size > rowsPerPart && !isPaged()) {
    const steps = warmConsole(room.state, room.presence, rowsPerPart);
    // Changes from now on are built again over the rows it builds (unless a view is built first,
    // which starts the count again from its own rows).
    rowsChanged = new Set();
    const warm = () => {
      const step = steps.next();
      if (!step.done) return void setImmediate(warm);
      lastRows ??= step.value;
    };
    setImmediate(warm);
  }
  // When a change names more rows than a part holds (a void, a merge), the rows are built again a
  // part a turn before the view is (rowsInSteps), and the refresh asked for meanwhile waits for them;
  // it waits too while the parts of the last patch are still going out, rather than sending them
  // all in its own turn. A console that connects meanwhile is built its view at once.
  let rebuilding: Generator<void, ConsoleParticipant[], void> | null = null;
  /** The turn that builds the view after the rows were built, unless a refresh builds it first. */
  let viewTurn: NodeJS.Immediate | null = null;
  /** A refresh was asked for while rows were being built or parts were waiting. */
  let asked = false;
  const rebuild = () => {
    const steps = rowsInSteps(() => room.shown.state, room.presence, rowsPerPart);
    rebuilding = steps;
    rowsChanged = new Set();
    const step = () => {
      if (rebuilding !== steps) return;
      const next = steps.next();
      if (!next.done) return void setImmediate(step);
      rebuilding = null;
      lastRows = next.value;
      // Whatever changed while they were built is built now, however much: a forum that keeps
      // changing cannot keep its consoles waiting. In a turn of its own: with the last part of the
      // rows, the whole view's build and patch took one turn 20 to 30 ms of CPU (scripts/stalls.ts).
      asked = false;
      viewTurn = setImmediate(() => {
        viewTurn = null;
        if (!rebuilding) refresh(Date.now(), false, true);
      });
    };
    setImmediate(step);
  };
  const askedAgain = () => {
    if (!asked) return;
    asked = false;
    refresh(Date.now(), false);
  };
  const manyRowsChanged = () =>
    !isPaged() && lastRows !== undefined && room.state.participants.size > rowsPerPart && (rowsChanged === 'all' || rowsChanged.size > rowsPerPart);
  const base = (now: number): ConsoleView => {
    const shown = room.shown;
    const view = consoleView(shown.state, room.presence, admission.joinInfo(now), admission.view(now), health(), {
      me: { role: 'facilitator' },
      duplicates: duplicates.groups(),
      themes: duplicates.themes(),
      nearest: duplicates.nearest(),
      hostOnline: (id) => connected(hostRoom(id)),
      rowsChanged,
      lastRows,
      ...(isPaged() ? { paged: { version: rowsVersion } } : {}),
    }, shown.version);
    rowsChanged = new Set();
    lastRows = view.participants;
    return view;
  };
  const forHost = (view: ConsoleView, hostId: string): ConsoleView => {
    const host = room.shown.state.hosts.get(hostId);
    return hostView({ ...view, me: { role: 'host', hostId, name: host?.name ?? '', scope: host?.scope ?? null } });
  };
  // One stream for the facilitator's consoles (they all see the same view), one per host.
  const facilitator = new ViewStream<ConsoleView>();
  const hostStreams = new Map<string, ViewStream<ConsoleView>>();
  /** Parts of the facilitators' last patch not yet sent, in order, and the turn that sends the next. */
  const waiting: ViewPatch[] = [];
  let partTurn: NodeJS.Immediate | null = null;
  const nextPart = () => {
    partTurn = null;
    const part = waiting.shift();
    if (part) io.to(CONSOLES).emit('console:patch', part);
    if (waiting.length > 0) partTurn = setImmediate(nextPart);
    else askedAgain();
  };
  /** Sends at once every part still waiting. */
  const sendParts = () => {
    if (partTurn) clearImmediate(partTurn);
    partTurn = null;
    for (const part of waiting.splice(0)) io.to(CONSOLES).emit('console:patch', part);
  };
  /** How many times each facilitator's console was opened, so that only the latest sends its parts. */
  const opening = new WeakMap<AppSocket, number>();
  const streamOf = (hostId: string) => {
    let stream = hostStreams.get(hostId);
    if (!stream) hostStreams.set(hostId, (stream = new ViewStream()));
    return stream;
  };

  /**
   * A view of more rows than a part holds, built in one turn and made into its patch in the next
   * (patchTurn), whose first part goes out in the turn after (nextPart): after a void of the 64 who
   * wrote ideas on the largest forum, building the view, patching 5,000 rows and sending the first
   * 1,000 held one turn 20 to 30 ms of CPU (scripts/stalls.ts, profiled). A refresh asked for
   * meanwhile waits for it; one that must answer at once (a console connecting) leaves it.
   */
  let patchTurn: NodeJS.Immediate | null = null;

  /** Takes every audience's view now and sends each its patch. */
  const refresh = (now: number, force: boolean, rowsBuilt = false) => {
    const consoles = connected(CONSOLES);
    const hosts = io.adapter.rooms.get(HOSTS);
    if (!force && !consoles && !connected(JOINING) && !hosts?.size) return;
    if (!force && (rebuilding || waiting.length > 0 || patchTurn || (!rowsBuilt && manyRowsChanged()))) {
      asked = true;
      if (!rebuilding && waiting.length === 0 && !patchTurn) rebuild();
      return;
    }
    if (rebuilding) {
      // Rows built from before the changes since are not known: all are built again now.
      rebuilding = null;
      rowsChanged = 'all';
    }
    asked = false;
    if (viewTurn) clearImmediate(viewTurn);
    viewTurn = null;
    // A view built and not yet patched is left: the one built now is newer (base counts the rows
    // changed from the last one built, whether or not it was sent).
    if (patchTurn) clearImmediate(patchTurn);
    patchTurn = null;
    // The parts of the last patch still waiting go first: the next is made from the view they make.
    sendParts();
    const view = base(now);
    if (force || view.participants.length <= rowsPerPart) return send(view, false);
    patchTurn = setImmediate(() => {
      patchTurn = null;
      send(view, true);
    });
  };

  /** Sends every audience its patch to `view`; `later`: the facilitators' first part too in a turn of its own. */
  const send = (view: ConsoleView, later: boolean) => {
    const consoles = connected(CONSOLES);
    const hosts = io.adapter.rooms.get(HOSTS);
    // A change to thousands of rows (a void or a merge changes most ballots' dots) goes in parts, a turn each.
    const parts = facilitator.updateInParts(view, rowsPerPart);
    if (consoles && parts.length > 0) {
      if (!later) io.to(CONSOLES).emit('console:patch', parts[0]);
      waiting.push(...parts.slice(later ? 0 : 1));
      if (waiting.length > 0) partTurn ??= setImmediate(nextPart);
    }
    const hostIds = new Set<string>();
    for (const socketId of hosts ?? []) {
      const hostId = io.sockets.get(socketId)?.data.session.hostId;
      if (hostId) hostIds.add(hostId);
    }
    for (const hostId of hostIds) {
      const hostPatch = streamOf(hostId).update(forHost(view, hostId));
      if (hostPatch) io.to(hostRoom(hostId)).emit('console:patch', hostPatch);
    }
    for (const id of hostStreams.keys()) if (!hostIds.has(id)) hostStreams.delete(id);
    // A refresh asked for while this view waited for its turn: now, after every audience has this
    // one, unless parts still going out ask for it when they are done (nextPart).
    if (later && !partTurn) askedAgain();
  };

  const views: ConsoleViews = {
    viewFor(session, now = Date.now()) {
      // Called once what the forum took is stored (the connection waits for it, socket.ts).
      refresh(now, true);
      if (session.role === 'host' && session.hostId) {
        const stream = streamOf(session.hostId);
        if (!stream.current()) stream.update(forHost(base(now), session.hostId));
        return stream.current()!;
      }
      return facilitator.current()!;
    },
    sendAll(now = Date.now()) {
      refresh(now, false);
    },
    open(socket) {
      // A resync while parts are still going out starts again: the parts of the one before stop.
      const turn = (opening.get(socket) ?? 0) + 1;
      opening.set(socket, turn);
      // A view of more rows than a part holds is built a whole turn after the console connected:
      // built in the turn that took the connection (its handshake, its first code run), it held
      // that turn 25 to 36 ms of CPU on the largest forum (scripts/stalls.ts, profiled).
      if (room.shown.state.participants.size > rowsPerPart && !isPaged()) {
        void nextTurn().then(() => {
          if (socket.connected && opening.get(socket) === turn) openNow(socket, turn);
        });
        return;
      }
      openNow(socket, turn);
    },
  };

  /** open's work, for the `turn`-th opening of this socket, at once. */
  const openNow = (socket: AppSocket, turn: number) => {
    const { view, v } = views.viewFor(socket.data.session);
    socket.leave(CONSOLES);
    if (view.participants.length <= rowsPerPart) {
      socket.emit('console', view, v);
      socket.join(CONSOLES);
      return;
    }
    // The first rows with everything else, then the next rows a turn at a time, as patches of
    // the console's own versions (counted up from below zero), each from the view as it is then:
    // while it is sent, the view is kept up to date (refresh looks at JOINING) but its patches go
    // to the others only. Last, one patch takes what this console holds to the view as it is now,
    // whatever changed meanwhile, at its version; from there it gets the patches with the others.
    const parts = Math.ceil(view.participants.length / rowsPerPart);
    let held: ConsoleView = { ...view, participants: view.participants.slice(0, rowsPerPart) };
    let heldV = -parts;
    socket.join(JOINING);
    const next = () => {
      if (!socket.connected || opening.get(socket) !== turn) return;
      const now = facilitator.current()!;
      const rows = now.view.participants;
      const sent = held.participants.length;
      if (sent < rows.length) {
        // Participants are never taken out of the list, and new ones come last: these are new to this console.
        const more = rows.slice(sent, sent + rowsPerPart);
        const patch: ViewPatch = { v: heldV + 1, base: heldV, set: {}, lists: { participants: { upserts: more, removed: [] } } };
        held = { ...held, participants: [...held.participants, ...more] };
        heldV = patch.v;
        socket.emit('console:patch', patch);
        setImmediate(next);
        return;
      }
      const last = diffView(held, now.view, heldV);
      socket.emit('console:patch', { v: now.v, base: heldV, set: last?.set ?? {}, lists: last?.lists ?? {} });
      socket.leave(JOINING);
      socket.join(CONSOLES);
    };
    // Sent in the turn after the view was built: building it and encoding its first part in one
    // turn held the loop 47 ms of CPU on the largest forum (scripts/stalls.ts, profiled).
    void nextTurn().then(() => {
      if (!socket.connected || opening.get(socket) !== turn) return;
      socket.emit('console', held, heldV);
      setImmediate(next);
    });
  };
  return views;
}
