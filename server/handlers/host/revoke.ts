// host:revoke: a host's access ends; their open consoles are disconnected at once.

import { decideRevokeHost } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const revoke = defineHandler({
  name: 'host:revoke',
  run(ctx, { hostId }) {
    ctx.commit(ctx.decide(decideRevokeHost(ctx.room.state, hostId, ctx.now())));
    ctx.services.disconnectHost(hostId);
    return {};
  },
});
