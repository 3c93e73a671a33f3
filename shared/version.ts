// The protocol's version on its own, and the handshake's forum parameter, so that pages can send
// them without bundling the schemas (shared/protocol.ts re-exports both; phones must not download
// the schema library).

/** Bumped whenever a message changes shape; a client of another version is refused at connect. */
export const PROTOCOL_VERSION = 5;

/** The handshake address's query parameter naming the forum (`/socket.io/?forum=<slug>`), for a proxy to route by. */
export const FORUM_QUERY = 'forum';
