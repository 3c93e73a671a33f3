// The facilitator's console and the hosts' consoles: one view built per update, each host's
// without what only the facilitator needs and with who they are, and sent as the changes since
// the last one (viewStream.ts); a console that connects or lost a patch gets the whole view.

import type { ConsoleView } from '../../shared/protocol.js';
import type { Admission } from '../forum/admission.js';
import type { Duplicates } from '../forum/duplicates.js';
import type { ForumRoom } from '../forum/room.js';
import { consoleView, hostView, type ConsoleStatus } from '../forum/views.js';
import type { Session } from './session.js';
import { ViewStream } from './viewStream.js';
import type { AppNamespace } from './socket.js';

export const CONSOLES = 'consoles';
export const HOSTS = 'hosts';
export const hostRoom = (id: string) => `h:${id}`;

/** What the console shows beside the forum: the storage's health, the newest backup, reachability. */
export type HealthSource = () => ConsoleStatus;

export interface ConsoleViews {
  /** The whole view for one console or host connection, at its audience's current version. */
  viewFor(session: Session, now?: number): { view: ConsoleView; v: number };
  /** Sends every console and host the changes to its view, if any is connected. */
  sendAll(now?: number): void;
}

export function consoleViews(io: AppNamespace, room: ForumRoom, admission: Admission, health: HealthSource, duplicates: Duplicates): ConsoleViews {
  const connected = (name: string) => (io.adapter.rooms.get(name)?.size ?? 0) > 0;
  const base = (now: number): ConsoleView =>
    consoleView(room.state, room.presence, admission.joinInfo(now), admission.view(now), health(), {
      me: { role: 'facilitator' },
      duplicates: duplicates.groups(),
      hostOnline: (id) => connected(hostRoom(id)),
    }, room.version);
  const forHost = (view: ConsoleView, hostId: string): ConsoleView => {
    const host = room.state.hosts.get(hostId);
    return hostView({ ...view, me: { role: 'host', hostId, name: host?.name ?? '', scope: host?.scope ?? null } });
  };
  // One stream for the facilitator's consoles (they all see the same view), one per host.
  const facilitator = new ViewStream<ConsoleView>();
  const hostStreams = new Map<string, ViewStream<ConsoleView>>();
  const streamOf = (hostId: string) => {
    let stream = hostStreams.get(hostId);
    if (!stream) hostStreams.set(hostId, (stream = new ViewStream()));
    return stream;
  };

  /** Takes every audience's view now and sends each its patch. */
  const refresh = (now: number, force: boolean) => {
    const consoles = connected(CONSOLES);
    const hosts = io.adapter.rooms.get(HOSTS);
    if (!force && !consoles && !hosts?.size) return;
    const view = base(now);
    const patch = facilitator.update(view);
    if (patch && consoles) io.to(CONSOLES).emit('console:patch', patch);
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
  };

  return {
    viewFor(session, now = Date.now()) {
      // The view sent shows only what is on disk.
      room.flush();
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
  };
}
