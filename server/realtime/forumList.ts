// The forum list: the console at the server's own address (/console) connects to the main
// namespace with the facilitator's key, sees every forum (title, date, phase, participants,
// ideas) and the log of whole forums, and creates, archives and deletes them. Each forum's own
// console, projector and phones live in that forum's namespace (/f/<slug>), apart from this one.

import type { RuleError } from '../../shared/forum/errors.js';
import { countDots, tallyPriority } from '../../shared/forum/tally.js';
import { LIMITS, type AdmissionMode } from '../../shared/forum/types.js';
import { checkLine, normalizeStructure } from '../../shared/forum/rules.js';
import {
  LIST_COMMANDS,
  PROTOCOL_VERSION,
  handshakeSchema,
  type Ack,
  type ForumSummary,
  type ForumsView,
  type Lang,
  type ListCommandName,
} from '../../shared/protocol.js';
import { StorageUnavailable } from '../errors.js';
import { Refusal, type ForumRoom } from '../forum/room.js';
import { loadTemplate } from '../forum/template.js';
import { shortlist, structureFromPrevious, type ForumStart } from '../forums/create.js';
import type { Attached, Forums } from '../forums/registry.js';
import type { Grants } from '../http/grants.js';
import type { Logger } from '../log.js';
import { refusalAck } from './dispatch.js';
import { addressOf, refuseConnection } from './handshake.js';
import type { KeyGuard } from './keys.js';
import { fullBucket, take, type Limits } from './limits.js';
import type { Namespace, Socket } from 'socket.io';

export interface ForumListDeps {
  forums: Forums<Attached>;
  limits: Limits;
  keys: KeyGuard;
  grants: Grants;
  log: Logger;
  trustProxy: number;
  /** How a new forum admits people (ADMISSION). */
  admission: AdmissionMode;
  /** The server's public address, on which the list shows each forum's phone address. */
  publicUrl: string;
  templatePath: string;
}

const LIST = 'list';
/** Coalescing: the list is sent at most this often while forums change. */
const LIST_THROTTLE_MS = 500;

export function summary(room: ForumRoom): ForumSummary {
  const s = room.state;
  const counts = countDots(s);
  let ideas = 0;
  for (const idea of s.ideas.values()) if (idea.status === 'active') ideas++;
  return {
    id: s.id,
    slug: room.record.slug,
    title: s.title,
    createdAt: s.createdAt,
    phase: s.phase,
    participants: s.participants.size - s.voidedCount,
    ideas,
    archived: s.archived,
    voteOnly: s.voteOnly,
    basedOn: s.basedOn,
    // Rankings only once a forum has its results: what a shortlist or the next forum is made from.
    ranked: !['results', 'closed'].includes(s.phase) ? [] : s.structure.priorities.map((p) => ({
      priorityCode: p.code,
      priorityTitle: p.title,
      ideas: tallyPriority(s, p.code, counts).map((r) => ({
        id: r.ideaId,
        title: s.ideas.get(r.ideaId)?.title ?? '',
        dots: r.dots,
        rank: r.rank,
        goalCode: s.ideas.get(r.ideaId)?.goalCode ?? null,
      })),
    })),
  };
}

export function forumsView(forums: Forums<Attached>, publicUrl: string): ForumsView {
  return {
    forums: forums.list().map((f) => summary(f.room)),
    publicUrl,
    log: forums
      .serverLog()
      .slice(-50)
      .map((e) => ({ at: e.at, action: e.action, forumId: e.forumId, title: e.title })),
  };
}

export function attachForumList(nsp: Namespace, deps: ForumListDeps): { close(): void } {
  const { forums, limits, keys } = deps;

  nsp.use((socket: Socket, next: (err?: Error) => void) => {
    const auth = handshakeSchema.safeParse(socket.handshake.auth);
    const lang: Lang = auth.success && auth.data.lang ? auth.data.lang : 'uk';
    if (!auth.success) return next(refuseConnection('BAD_INPUT', lang));
    if (auth.data.v !== PROTOCOL_VERSION) return next(refuseConnection('PROTOCOL_MISMATCH', lang));
    // Only the facilitator's console opens the list; phones and projectors belong to a forum.
    if (auth.data.role !== 'console') return next(refuseConnection('FORBIDDEN', lang));
    const address = addressOf(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], deps.trustProxy);
    const check = keys.check(auth.data.key, [forums.facilitatorKey], address, 'console');
    if (!check.ok) return next(check.retryAfter ? refuseConnection('RATE_LIMITED', lang, check.retryAfter) : refuseConnection('FORBIDDEN', lang));
    socket.data.lang = lang;
    socket.data.commands = fullBucket(limits.settings.commandsPerConnection, Date.now());
    next();
  });

  let timer: NodeJS.Timeout | null = null;
  let last = 0;
  const send = () => {
    timer = null;
    last = Date.now();
    if ((nsp.adapter.rooms.get(LIST)?.size ?? 0) === 0) return;
    nsp.to(LIST).emit('forums', forumsView(forums, deps.publicUrl));
  };
  const unsubscribe = forums.onChange(() => {
    if (timer) return;
    timer = setTimeout(send, Math.max(0, last + LIST_THROTTLE_MS - Date.now()));
  });

  const template = () => {
    try {
      return loadTemplate(deps.templatePath);
    } catch {
      throw new Refusal({ code: 'BAD_STRUCTURE', params: { reason: 'template' } });
    }
  };

  const run = async (name: ListCommandName, data: never): Promise<unknown> => {
    switch (name) {
      case 'forums:create': {
        const { title: rawTitle, from } = data as { title: string; from: { kind: string } & Record<string, unknown> };
        const title = checkLine('forumTitle', rawTitle, LIMITS.vision, true);
        if (!title.ok) throw new Refusal(title.error);
        let start: ForumStart;
        if (from.kind === 'template') {
          start = { title: title.value, structure: template().structure, admission: deps.admission };
        } else if (from.kind === 'structure') {
          const structure = normalizeStructure(from.structure as never);
          if (!structure.ok) throw new Refusal(structure.error);
          start = { title: title.value, structure: structure.value, admission: deps.admission };
        } else {
          const previous = forums.get(from.forumId as string);
          if (!previous) throw new Refusal({ code: 'FORUM_NOT_FOUND' });
          const basedOn = { forumId: previous.room.state.id, title: previous.room.state.title };
          if (from.kind === 'forum') {
            const structure = structureFromPrevious(previous.room.state, from.carry as never);
            if (!structure.ok) throw new Refusal(structure.error);
            start = { title: title.value, structure: structure.value, rules: { ...previous.room.state.rules }, admission: deps.admission, basedOn };
          } else {
            const ideas = shortlist(previous.room.state, { top: from.top as number | undefined, ideaIds: from.ideaIds as string[] | undefined });
            if (!ideas.ok) throw new Refusal(ideas.error);
            start = {
              title: title.value,
              structure: structuredClone(previous.room.state.structure),
              rules: { ...previous.room.state.rules },
              admission: (from.admission as AdmissionMode | undefined) ?? deps.admission,
              voteOnly: true,
              basedOn,
              ideas: ideas.value,
            };
          }
        }
        const created = await forums.create(start);
        deps.log.info({ forumId: created.room.record.id, slug: created.room.record.slug, from: from.kind }, 'forum created');
        return { forumId: created.room.record.id, slug: created.room.record.slug };
      }
      case 'forums:archive': {
        const { forumId, archived } = data as { forumId: string; archived: boolean };
        await forums.setArchived(forumId, archived);
        deps.log.info({ forumId, archived }, archived ? 'forum archived' : 'forum taken out of the archive');
        return { archived };
      }
      case 'forums:delete': {
        const { forumId, title } = data as { forumId: string; title: string };
        await forums.delete(forumId, title);
        deps.log.warn({ forumId }, 'forum deleted');
        return {};
      }
      case 'forums:grant':
        return deps.grants.issue();
    }
  };

  nsp.on('connection', (socket: Socket) => {
    socket.join(LIST);
    socket.emit('forums', forumsView(forums, deps.publicUrl));
    const lang = socket.data.lang as Lang;
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      const reply = ack as (r: Ack<unknown>) => void;
      const refuse = (error: RuleError) => reply(refusalAck(lang, error));
      const verdict = take(socket.data.commands, limits.settings.commandsPerConnection, Date.now());
      if (!verdict.ok) return refuse({ code: 'RATE_LIMITED', params: { seconds: verdict.retryAfter } });
      if (!Object.hasOwn(LIST_COMMANDS, event)) return refuse({ code: 'BAD_INPUT', params: { field: 'command' } });
      const name = event as ListCommandName;
      const parsed = LIST_COMMANDS[name].schema.safeParse(args[0]);
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path[0];
        return refuse({ code: 'BAD_INPUT', params: typeof field === 'string' ? { field } : {} });
      }
      run(name, parsed.data as never).then(
        (data) => reply({ ok: true, data }),
        (err: unknown) => {
          if (err instanceof Refusal) return refuse(err.error);
          if (err instanceof StorageUnavailable) return refuse({ code: 'STORAGE_UNAVAILABLE', params: { cause: err.reason } });
          deps.log.error({ err, command: name }, 'forum list command failed');
          refuse({ code: 'INTERNAL' });
        },
      );
    });
  });

  return {
    close() {
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
  };
}
