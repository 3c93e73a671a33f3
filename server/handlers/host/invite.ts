// host:invite: the facilitator invites a co-facilitator or table host, for the whole forum or one
// priority, or a service point's staff in a city vote. The link carries a secret shown once; only
// its hash is stored.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { decideInviteHost } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const hashHostSecret = (secret: string): string => createHash('sha256').update(`host:${secret}`).digest('hex');

export const invite = defineHandler({
  name: 'host:invite',
  run(ctx, { name, scope, point }) {
    const hostId = randomUUID();
    const secret = randomBytes(18).toString('base64url');
    ctx.commit(ctx.decide(decideInviteHost(ctx.room.state, hostId, name, scope, hashHostSecret(secret), ctx.now(), point)));
    // A service point's staff open their own page, which carries no console code.
    const page = point === undefined ? 'console' : 'staff';
    return { hostId, link: `/f/${ctx.room.record.slug}/${page}?host=${secret}` };
  },
});
