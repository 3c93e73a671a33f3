// The protocol's version on its own, so that pages can send it without bundling the schemas
// (shared/protocol.ts re-exports it; phones must not download the schema library).

/** Bumped whenever a message changes shape; a client of another version is refused at connect. */
export const PROTOCOL_VERSION = 2;
