// wall:watch, wall:ideas and wall:similar: what a phone reads of the wall of ideas. They change
// nothing; the page asked for is sent before the ack (wallPages.ts), or, when it is the page the
// phone holds already (`same`), in the ack: a phone back after a drop is answered in one frame.

import { similarIdeas } from '../../../shared/forum/suggest.js';
import { publicIdea } from '../../forum/views.js';
import { Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';

export const watchWall = defineHandler({
  name: 'wall:watch',
  run(ctx, { priorityCode, query, pages, tag }) {
    if (priorityCode !== null && !ctx.room.shown.state.structure.priorities.some((p) => p.code === priorityCode)) throw new Refusal({ code: 'UNKNOWN_PRIORITY', params: { code: priorityCode } });
    const page = ctx.services.wall.watch(priorityCode === null ? null : { priorityCode, query, pages }, tag);
    return { total: page?.total ?? 0, ...(page?.same ? { page } : {}) };
  },
});

export const wallIdeas = defineHandler({
  name: 'wall:ideas',
  run(ctx, { ids }) {
    return { ideas: ctx.services.wall.ideas(ids) };
  },
});

export const similarOnWall = defineHandler({
  name: 'wall:similar',
  run(ctx, draft) {
    const state = ctx.room.shown.state;
    if (!state.structure.priorities.some((p) => p.code === draft.priorityCode)) throw new Refusal({ code: 'UNKNOWN_PRIORITY', params: { code: draft.priorityCode } });
    return { ideas: similarIdeas(draft, ctx.services.wall.list(draft.priorityCode)).map((idea) => publicIdea(state, idea)) };
  },
});
