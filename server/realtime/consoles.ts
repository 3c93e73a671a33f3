// The facilitator's console and the hosts' consoles: one view built per update and sent to every
// console, each host getting it without what only the facilitator needs, and with who they are.

import type { ConsoleView } from '../../shared/protocol.js';
import type { Admission } from '../forum/admission.js';
import type { Duplicates } from '../forum/duplicates.js';
import type { ForumRoom } from '../forum/room.js';
import { consoleView, hostView, type ConsoleStatus } from '../forum/views.js';
import type { Session } from './session.js';
import type { AppServer } from './socket.js';

export const CONSOLES = 'consoles';
export const HOSTS = 'hosts';
export const hostRoom = (id: string) => `h:${id}`;

/** What the console shows beside the forum: the storage's health, the newest backup, reachability. */
export type HealthSource = () => ConsoleStatus;

export interface ConsoleViews {
  /** The view for one console or host connection. */
  viewFor(session: Session, now?: number): ConsoleView;
  /** Sends every console and host its view, if any is connected. */
  sendAll(now?: number): void;
}

export function consoleViews(io: AppServer, room: ForumRoom, admission: Admission, health: HealthSource, duplicates: Duplicates): ConsoleViews {
  const connected = (name: string) => (io.sockets.adapter.rooms.get(name)?.size ?? 0) > 0;
  const base = (now: number): ConsoleView =>
    consoleView(room.state, room.presence, admission.joinInfo(now), admission.view(now), health(), {
      me: { role: 'facilitator' },
      duplicates: duplicates.groups(),
      hostOnline: (id) => connected(hostRoom(id)),
    });
  const forHost = (view: ConsoleView, hostId: string): ConsoleView => {
    const host = room.state.hosts.get(hostId);
    return hostView({ ...view, me: { role: 'host', hostId, name: host?.name ?? '', scope: host?.scope ?? null } });
  };
  return {
    viewFor(session, now = Date.now()) {
      const view = base(now);
      return session.role === 'host' && session.hostId ? forHost(view, session.hostId) : view;
    },
    sendAll(now = Date.now()) {
      const consoles = connected(CONSOLES);
      const hosts = io.sockets.adapter.rooms.get(HOSTS);
      if (!consoles && !hosts?.size) return;
      const view = base(now);
      if (consoles) io.to(CONSOLES).emit('console', view);
      for (const socketId of hosts ?? []) {
        const socket = io.sockets.sockets.get(socketId);
        const hostId = socket?.data.session.hostId;
        if (socket && hostId) socket.emit('console', forHost(view, hostId));
      }
    },
  };
}
