// The typed Socket.IO server, forum namespace and connection every part of the realtime layer
// speaks through: kept apart from the wiring (socket.ts), so the parts it wires can name them
// without importing it back.

import type { Namespace, Server, Socket } from 'socket.io';
import type { ClientToServer, ServerToClient } from '../../shared/protocol.js';
import type { Session } from './session.js';

export type AppServer = Server<ClientToServer, ServerToClient, Record<string, never>, { session: Session }>;
/** One forum's connections: its namespace, /f/<slug>. Nothing sent in it reaches another forum. */
export type AppNamespace = Namespace<ClientToServer, ServerToClient, Record<string, never>, { session: Session }>;
export type AppSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, { session: Session }>;
