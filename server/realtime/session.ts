// What the server knows about one connection: who it is and which language it speaks.

import type { Lang, Role } from '../../shared/protocol.js';

export interface Session {
  role: Role;
  lang: Lang;
  participantId?: string;
}
