// Simulated phones for the load driver (scripts/load.ts): a Fleet is a group of phones in one
// process. Each phone is a real socket.io-client connection from a loopback address of its own,
// with the phone page's reconnection settings; it joins, writes an idea, spends its dots, and
// sends an action again with the same actionId when its connection drops, as the phone page does.
// Every figure a fleet returns is plain data, so fleets can run in worker processes
// (scripts/load-worker.ts) and their figures merge.

import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { PhoneForumInfo, PhoneGreeting, MeView, PhoneView, WallPage } from '../shared/protocol.js';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { clock, sleep, WireMeter, type DriverLoad } from './measure.js';

/**
 * The wall as a Viche before per-phone pages sent it (every idea to every phone, with a version
 * held across reconnects): the driver speaks it too, so that the bytes on the air are measured
 * the same way against an earlier checkout (BENCH_BEFORE).
 */
interface EarlierWall {
  epoch: string;
  v: number;
}

/** An ack not back within this long counts as a timeout (the run goes on). */
export const ACK_TIMEOUT_MS = 30_000;

/** A loopback address of its own for the i-th simulated phone: 127.2.0.1, 127.2.0.2, … */
export const phoneAddress = (i: number): string => `127.${2 + ((i + 1) >> 16)}.${((i + 1) >> 8) & 255}.${(i + 1) & 255}`;

const newActionId = () => randomBytes(8).toString('hex');

// ---------------------------------------------------------------- figures

/** What happened to one kind of action, as plain data that merges across fleets. */
export interface ActionFigures {
  /** Actions started. */
  sent: number;
  ok: number;
  /** Ack latencies in ms, from the first emit to the ack (refusals included, timeouts not). */
  latencies: number[];
  /** Acks not back within the timeout. */
  timeouts: number;
  /** Refusals by error code. */
  refused: Record<string, number>;
  /** Failures of the driver's own (a connection that never opened, an exception), by message. */
  failed: Record<string, number>;
  /** Attempts sent again, with the same actionId, after the connection dropped. */
  resent: number;
  /** Acks marked `duplicate`: the server had already done the action. */
  duplicates: number;
  /** When acks that raise a count the projector shows arrived (see measure.ts projectorLag). */
  raised: number[];
}

export type Figures = Record<string, ActionFigures>;

export const emptyFigures = (): ActionFigures => ({ sent: 0, ok: 0, latencies: [], timeouts: 0, refused: {}, failed: {}, resent: 0, duplicates: 0, raised: [] });

export const bump = (counts: Record<string, number>, key: string, by = 1) => (counts[key] = (counts[key] ?? 0) + by);

function figuresOf(all: Figures, kind: string): ActionFigures {
  return (all[kind] ??= emptyFigures());
}

export function mergeFigures(...parts: Figures[]): Figures {
  const out: Figures = {};
  for (const part of parts) {
    for (const [kind, f] of Object.entries(part)) {
      const o = figuresOf(out, kind);
      o.sent += f.sent;
      o.ok += f.ok;
      o.timeouts += f.timeouts;
      o.resent += f.resent;
      o.duplicates += f.duplicates;
      for (const v of f.latencies) o.latencies.push(v);
      for (const v of f.raised) o.raised.push(v);
      for (const [k, n] of Object.entries(f.refused)) bump(o.refused, k, n);
      for (const [k, n] of Object.entries(f.failed)) bump(o.failed, k, n);
    }
  }
  return out;
}

export function mergeCounts(parts: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) for (const [k, n] of Object.entries(part)) bump(out, k, n);
  return out;
}

// ---------------------------------------------------------------- one phone

type AckResult = { ok: boolean; duplicate?: boolean; data?: { ideaId?: string; me?: MeView }; error?: { code: string; params?: { seconds?: number } } };

/** The action a phone is waiting on: told when its connection drops and comes back. */
interface Inflight {
  dropped(): void;
  reconnected(): void;
}

/** An action whose ack never came: sent again with the same actionId once the step is over. */
interface Unsettled {
  phone: Phone;
  event: string;
  payload: Record<string, unknown>;
  onOk: (res: AckResult) => void;
}

class Phone {
  socket: Socket | null = null;
  readonly token = randomBytes(16).toString('hex');
  joined = false;
  /** Dots acked, per idea: what this phone believes it holds. */
  readonly dots = new Map<string, number>();
  /** Priorities where a dot of this phone was acked: its first one there raised the projector's count. */
  readonly votedIn = new Set<string>();
  inflight: Inflight | null = null;
  me: MeView | null = null;
  connectedAt = 0;
  meAt = 0;
  onMe: (() => void) | null = null;
  /** An earlier server's wall of ideas this phone holds (its version only: the driver does not read the ideas). */
  wall: EarlierWall | undefined;
  /** The priority whose wall this phone has open, asked for again at each reconnect, as the phone page does. */
  watching: string | null = null;
  /** The tag of the page of that wall it holds (WallPage.tag), sent back at a reconnect as the phone page does. */
  wallTag: string | undefined;
  /** The forum it holds (PhoneView.tag), said at each connect as the phone page does. */
  forumTag: string | undefined;
  /** The bytes its connections read on the wire, frames and all. */
  meter: WireMeter | null = null;
  /** Engine.IO packets (a WebSocket frame each) its connections received and sent, handshakes and heartbeats included. */
  framesIn = 0;
  framesOut = 0;

  constructor(
    readonly index: number,
    readonly address: string,
  ) {}

  addDot(ideaId: string, by: number): void {
    const n = (this.dots.get(ideaId) ?? 0) + by;
    if (n === 0) this.dots.delete(ideaId);
    else this.dots.set(ideaId, n);
  }
}

// ---------------------------------------------------------------- a fleet of phones

export interface FleetOptions {
  /** The forum's namespace (http://127.0.0.1:port/f/<slug>), or a bare server's origin. */
  socketUrl: string;
  /** The global index of this fleet's first phone: it picks the phones' addresses. */
  first: number;
  count: number;
  ackTimeoutMs?: number;
  /** A bare Socket.IO server (scripts/bare-server.ts): nothing to join, every event acked at once. */
  bare?: boolean;
  /**
   * For a bare server: reconnect at a random moment within this many ms, as the phone page does
   * when the phone view tells it the hall's spread (reconnectWithinMs); without it, Socket.IO's
   * own delays as the fleet sets them for every phone.
   */
  reconnectWithinMs?: number;
  /** The server's protocol version, when it is an earlier checkout's (BENCH_BEFORE). */
  protocol?: number;
}

export interface SubmittedIdea {
  id: string;
  priorityCode: string;
}

/** What a reconnect storm did to this fleet's phones. */
export interface StormFigures {
  figures: Figures;
  /** Per phone, ms from the drop until it was connected again and had its `me` view. */
  back: number[];
  /** Phones not back within the storm's timeout. */
  notBack: number;
  /** ms from the drop until the last phone's dropped action was acked and its dot placed back. */
  settledMs: number;
  /** Phones whose last `me` view disagrees with the dots they were acked (once every action is settled). */
  meMismatch: number;
  dropped: number;
  /** Frames the phones received and sent from the drop until settled, all phones together. */
  framesIn: number;
  framesOut: number;
}

export interface LoopFigures {
  figures: Figures;
  /** From the loop's start until the last phone's last ack. */
  seconds: number;
}

/** The methods a coordinator calls on a fleet, here or in a worker process. */
export interface FleetLike {
  setCode(code: string): void;
  forumInfo(): Promise<PhoneForumInfo | null>;
  join(windowMs: number): Promise<Figures>;
  submitIdeas(windowMs: number): Promise<{ figures: Figures; ideas: SubmittedIdea[] }>;
  spendDots(windowMs: number, ideas: Record<string, string[]>): Promise<Figures>;
  loop(durationMs: number, ideas: Record<string, string[]>): Promise<LoopFigures>;
  storm(at: number, timeoutMs: number): Promise<StormFigures>;
  /** The load of the process the fleet runs in, since the last call; null: this very process. */
  load(): Promise<DriverLoad | null>;
  /** The server is gone: every waiting action ends now, and no new one starts. */
  abort(): Promise<void>;
  settle(): Promise<{ settled: number; unsettled: number }>;
  tally(): Promise<Record<string, number>>;
  /** The bytes each phone has read on the wire so far. */
  bytes(): Promise<number[]>;
  close(): Promise<void>;
}

/** Why an action ended without an ack when the server went away. */
const CUT_SHORT = 'the run was cut short';

/** How many phones connect at once when a step is not paced (a setup, a closed loop). */
const BRISK_CONCURRENCY = 200;

// A hall's ideas: a project and a place, from lists long enough that, as in a real hall, some
// cards say the same as another and most do not (the console's duplicate finder has work, not a
// pathological case of thousands of copies).
const PROJECTS = (
  'Велодоріжка|Лавки в тіні|Громадський туалет|Освітлення|Пандус|Дитячий майданчик|Сквер|Зупинка з навісом|' +
  'Пішохідний перехід|Сортування сміття|Питні фонтанчики|Укриття|Спортивний майданчик|Бібліотека-коворкінг|' +
  'Озеленення двору|Тротуар|Велопарковка|Відеоспостереження|Безкоштовний Wi-Fi|Зарядки для телефонів|' +
  'Майданчик для собак|Скейтпарк|Амфітеатр|Фонтан|Клумби|Ремонт дороги|Світлофор|Острівець безпеки|' +
  'Лежачий поліцейський|Парковка|Електробуси|Нічний автобус|Інклюзивний майданчик|Тактильна плитка|' +
  'Звукові світлофори|Молодіжний центр|Гуртки для дітей|Фермерський ярмарок|Мурал|Екскурсійний маршрут|' +
  'Туристичний інфоцентр|Музей просто неба|Пляж|Човнова станція|Прокат велосипедів|Ковзанка взимку|' +
  'Баскетбольний майданчик|Тенісні столи|Вуличні тренажери|Бігова доріжка|Громадський город|Компостування|' +
  'Підземні сміттєві баки|Прибирання берега|Дерева вздовж дороги|Квітники|Сонячні панелі на школі|' +
  'Енергоощадні ліхтарі|Книгообмін|Літній кінотеатр'
).split('|');
const PLACES = (
  'на Київській|на Михайлівській|на Великій Бердичівській|на Перемоги|на Покровській|на Чуднівській|' +
  'на Вітрука|на Корольова|на Хлібній|на Шевченка|на Небесної Сотні|на Пушкінській|на Старому бульварі|' +
  'на Лесі Українки|на Бориса Тена|на Черняховського|на Київському шосе|на Вокзальній|на Троянівській|' +
  'на Кафедральній|біля Соборного майдану|біля Житнього ринку|у парку Гагаріна|на Богунії|у Корбутівці|' +
  'на Малиновці|на Польовій|у Крошні|на Мальованці|біля вокзалу|біля обласної лікарні|у Гідропарку|' +
  'на набережній Тетерева|біля Скелі Чацького|на Смокових|біля школи №23|біля ліцею №1|біля університету|' +
  'біля філармонії|на Промисловій|на Сінному|біля Замкової гори|у Мисливському|на Максютова|на Ватутіна'
).split('|');
const DETAILS = (
  'Зараз тут немає де сісти людям похилого віку.|Діти ходять до школи проїжджою частиною.|' +
  'Увечері темно, люди бояться ходити пішки.|Візочки й крісла колісні не можуть піднятися на бордюр.|' +
  'Влітку немає тіні, асфальт розпечений.|Молоді нема куди піти після уроків.|Сміття вивозять раз на тиждень.|' +
  'Машини паркуються на газоні.|Автобус ходить раз на годину, а ввечері не ходить зовсім.|' +
  'Туристи не знають, що подивитися.|Взимку тут ожеледь і ніхто не посипає.|Старі дерева всохли.|' +
  'Батьки з дітьми приходять сюди щодня.|Можна зробити разом з ОСББ.|Є порожня ділянка, що належить місту.'
).split('|');

/** A small deterministic generator, so that the i-th phone always writes the same card. */
function pick(i: number, salt: number, n: number): number {
  let x = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b);
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d);
  x ^= x >>> 12;
  return (x >>> 0) % n;
}

/** The i-th phone's idea card. */
export function ideaText(i: number): { title: string; description: string; place: string } {
  const place = PLACES[pick(i, 2, PLACES.length)];
  const details = pick(i, 3, 3);
  return {
    title: `${PROJECTS[pick(i, 1, PROJECTS.length)]} ${place}`,
    description: details === 0 ? '' : [DETAILS[pick(i, 4, DETAILS.length)], DETAILS[pick(i, 5, DETAILS.length)]].slice(0, details).join(' '),
    place: pick(i, 6, 3) === 0 ? place.replace(/^(на|у|біля) /, '') : '',
  };
}

export class Fleet implements FleetLike {
  readonly phones: Phone[];
  private code = '';
  private forum: PhoneForumInfo | null = null;
  private unsettled: Unsettled[] = [];
  private readonly ackTimeoutMs: number;
  private aborted = false;
  /** What ends each wait (an ack, a connection, a pause) when the run is cut short. */
  private readonly aborters = new Set<() => void>();

  /** The server reads the wall a phone shows from its handshake (protocol 5 on); an earlier one is asked after connecting. */
  private readonly watchInHandshake: boolean;

  constructor(private readonly options: FleetOptions) {
    this.watchInHandshake = (options.protocol ?? PROTOCOL_VERSION) >= 5;
    this.ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
    this.phones = Array.from({ length: options.count }, (_, k) => new Phone(options.first + k, phoneAddress(options.first + k)));
  }

  /** The join code phones type: the one the projector shows. */
  setCode(code: string): void {
    this.code = code;
  }

  /** The forum as phones were last sent it (its priorities and rules). */
  async forumInfo(): Promise<PhoneForumInfo | null> {
    return this.forum;
  }

  // ------------------------------------------------ sending

  async abort(): Promise<void> {
    this.aborted = true;
    for (const end of [...this.aborters]) end();
  }

  /** Waits `ms`, or less when the run is cut short. */
  private pause(ms: number): Promise<void> {
    if (this.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.aborters.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.aborters.add(end);
    });
  }

  /** Emits once the phone is connected; after a drop, sends the same payload again on reconnect. */
  private send(phone: Phone, event: string, payload: unknown): Promise<{ ack: AckResult | null; resent: number; aborted: boolean }> {
    return new Promise((resolve) => {
      const socket = phone.socket!;
      let attempt = 0;
      let resent = 0;
      let settled = false;
      const finish = (ack: AckResult | null, aborted = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.aborters.delete(abort);
        if (phone.inflight === inflight) phone.inflight = null;
        resolve({ ack, resent, aborted });
      };
      const abort = () => {
        attempt++;
        finish(null, true);
      };
      const emit = () => {
        const mine = ++attempt;
        socket.emit(event, payload, (res: AckResult) => {
          if (mine === attempt) finish(res);
        });
      };
      const inflight: Inflight = {
        // The ack of what was sent on the dropped connection cannot come any more.
        dropped: () => void attempt++,
        reconnected: () => {
          if (attempt > 0) resent++;
          emit();
        },
      };
      phone.inflight = inflight;
      const timer = setTimeout(() => {
        attempt++;
        finish(null);
      }, this.ackTimeoutMs);
      if (this.aborted) return abort();
      this.aborters.add(abort);
      if (socket.connected) emit();
    });
  }

  /**
   * One action of one phone, measured into `fig[kind]`; never throws. `onOk` applies what an ok
   * ack means to the phone's own record (its dots), whether the ack says `duplicate` or not.
   */
  private async act(fig: Figures, kind: string, phone: Phone, event: string, payload: Record<string, unknown>, onOk: (res: AckResult, at: number) => void = () => {}): Promise<AckResult | null> {
    const f = figuresOf(fig, kind);
    f.sent++;
    if (!phone.socket) {
      bump(f.failed, 'no connection');
      return null;
    }
    try {
      const t = clock();
      const { ack, resent, aborted } = await this.send(phone, event, payload);
      const at = clock();
      f.resent += resent;
      if (aborted) {
        bump(f.failed, CUT_SHORT);
        return null;
      }
      if (!ack) {
        f.timeouts++;
        // Its outcome is unknown until it is sent again: settle() does, with the same actionId.
        this.unsettled.push({ phone, event, payload, onOk: (res) => onOk(res, clock()) });
        return null;
      }
      f.latencies.push(at - t);
      if (ack.ok) {
        f.ok++;
        if (ack.duplicate) f.duplicates++;
        if (ack.data?.me) phone.me = ack.data.me;
        onOk(ack, at);
      } else {
        bump(f.refused, ack.error?.code ?? '?');
      }
      return ack;
    } catch (err) {
      bump(f.failed, (err as Error)?.message ?? String(err));
      return null;
    }
  }

  /**
   * Opens a phone's connection, with the phone page's reconnection settings: Socket.IO comes back
   * by itself after a lost connection; after a refusal (too many connections from the address) the
   * phone tries again when the server said it may, as the page does.
   */
  private connect(fig: Figures, phone: Phone): Promise<void> {
    const f = figuresOf(fig, 'connect');
    f.sent++;
    const t = clock();
    return new Promise<void>((resolve) => {
      let done = false;
      /** Connected; or not within the timeout; or refused for good (the refusal is counted already); or the run is over. */
      const finish = (outcome: 'connected' | 'timeout' | 'refused' | 'aborted') => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.aborters.delete(abort);
        if (outcome === 'connected') {
          f.ok++;
          f.latencies.push(clock() - t);
        } else {
          if (outcome === 'timeout') f.timeouts++;
          if (outcome === 'aborted') bump(f.failed, CUT_SHORT);
          socket.close();
          phone.socket = null;
        }
        resolve();
      };
      const abort = () => finish('aborted');
      this.aborters.add(abort);
      const timer = setTimeout(() => finish('timeout'), this.ackTimeoutMs);
      const socket = io(this.options.socketUrl, {
        // As the phone page does: the wall it holds, so that a reconnect is sent only what changed.
        auth: this.options.bare
          ? {}
          : (cb: (auth: object) => void) =>
              cb({
                v: this.options.protocol ?? PROTOCOL_VERSION,
                role: 'phone',
                token: phone.token,
                lang: 'uk',
                gz: true,
                ...(phone.wall ? { wall: phone.wall } : {}),
                ...(phone.forumTag ? { forum: phone.forumTag } : {}),
                // The wall it shows, answered in its greeting, as the phone page does (an earlier server's phone asks after connecting).
                ...(this.watchInHandshake && phone.watching !== null ? { watch: { priorityCode: phone.watching, query: '', pages: 1, ...(phone.wallTag ? { tag: phone.wallTag } : {}) } } : {}),
              }),
        transports: ['websocket'],
        forceNew: true,
        reconnection: true,
        reconnectionDelay: 500,
        reconnectionDelayMax: 3000,
        randomizationFactor: 0.5,
        localAddress: phone.address,
      } as Parameters<typeof io>[1]);
      phone.socket = socket;
      if (this.options.bare && this.options.reconnectWithinMs) {
        socket.io.reconnectionDelay(this.options.reconnectWithinMs / 2);
        socket.io.randomizationFactor(1);
        socket.io.reconnectionDelayMax(Math.max(3000, this.options.reconnectWithinMs));
      }
      phone.meter = new WireMeter(socket);
      // Counted from each connection's open: its handshake packet came just before, and its
      // namespace's CONNECT went in the same turn, before this listener is told.
      socket.io.on('open', () => {
        phone.framesIn++;
        phone.framesOut++;
        socket.io.engine.on('packet', () => phone.framesIn++);
        socket.io.engine.on('packetCreate', () => phone.framesOut++);
      });
      socket.on('connect', () => {
        phone.connectedAt = clock();
        if (phone.watching !== null && !this.watchInHandshake) this.watch(phone, phone.watching, phone.wallTag);
        phone.inflight?.reconnected();
        finish('connected');
      });
      socket.on('disconnect', (reason) => {
        phone.inflight?.dropped();
        // Socket.IO does not come back by itself when the server ended the connection.
        if (reason === 'io server disconnect') socket.connect();
      });
      socket.on('connect_error', (err: Error & { data?: { code?: string; retryAfter?: number } }) => {
        const code = err.data?.code;
        if (!code) return; // a network fault: Socket.IO tries again by itself
        bump(f.refused, code);
        if (code === 'RATE_LIMITED' || code === 'CONNECTION_LIMIT') {
          const wait = (err.data?.retryAfter ?? 5) * 1000 * (1 + Math.random() / 2);
          setTimeout(() => phone.socket === socket && socket.connect(), wait);
        } else finish('refused');
      });
      const receiveMe = (me: MeView | null) => {
        phone.me = me;
        phone.meAt = clock();
        phone.onMe?.();
      };
      // At connect its view comes in the greeting (an earlier server's: as `me`), then as `me`.
      socket.on('greeting', (greeting: PhoneGreeting) => {
        const page = greeting.wall?.page;
        if (page && page.priorityCode === phone.watching) phone.wallTag = page.tag;
        receiveMe(greeting.me);
      });
      socket.on('me', receiveMe);
      socket.on('phone', (view: PhoneView) => {
        this.forum = view.forum;
        phone.forumTag = view.tag;
        // As the phone page does (client/lib/connection.ts spreadReconnects).
        socket.io.reconnectionDelay(view.reconnectWithinMs / 2);
        socket.io.randomizationFactor(1);
        socket.io.reconnectionDelayMax(Math.max(3000, view.reconnectWithinMs));
      });
      // Each page acked as it arrives, as the phone page does: the next is sent once it has this one.
      socket.on('wall:page', (page: WallPage, received?: () => void) => {
        if (page.priorityCode === phone.watching) phone.wallTag = page.tag;
        received?.();
      });
      socket.on('ideas:all', (wall: EarlierWall) => {
        phone.wall = { epoch: wall.epoch, v: wall.v };
      });
      socket.on('ideas:patch', (patch: { v: number }) => {
        if (phone.wall) phone.wall = { ...phone.wall, v: patch.v };
      });
    });
  }

  // ------------------------------------------------ pacing

  /**
   * Runs each phone's actions at uniformly random times within the window, each phone's in order
   * (a phone waits for its previous ack, as a person does). A window of 0: as fast as the acks come,
   * at most BRISK_CONCURRENCY phones at a time.
   */
  private async schedule(windowMs: number, phones: Phone[], actionsOf: (phone: Phone) => (() => Promise<unknown>)[]): Promise<void> {
    const start = clock();
    if (windowMs <= 0) {
      let next = 0;
      const worker = async () => {
        while (next < phones.length && !this.aborted) {
          const phone = phones[next++];
          for (const action of actionsOf(phone)) if (!this.aborted) await action();
        }
      };
      await Promise.all(Array.from({ length: Math.min(BRISK_CONCURRENCY, phones.length) }, worker));
      return;
    }
    await Promise.all(
      phones.map(async (phone) => {
        const actions = actionsOf(phone);
        const times = actions.map(() => Math.random() * windowMs).sort((a, b) => a - b);
        for (let k = 0; k < actions.length && !this.aborted; k++) {
          await this.pause(start + times[k] - clock());
          if (!this.aborted) await actions[k]();
        }
      }),
    );
  }

  private joinedPhones(): Phone[] {
    return this.phones.filter((p) => p.socket && (p.joined || this.options.bare));
  }

  // ------------------------------------------------ the evening's steps

  /** Each phone connects and joins with the code on the projector (a bare server: connects only). */
  async join(windowMs: number): Promise<Figures> {
    const fig: Figures = {};
    await this.schedule(windowMs, this.phones, (phone) => [
      async () => {
        await this.connect(fig, phone);
        if (this.options.bare || !phone.socket) return;
        await this.act(fig, 'join', phone, 'participant:join', { code: this.code, name: `Учасник ${phone.index + 1}`, token: phone.token }, (_res, at) => {
          if (!phone.joined) figuresOf(fig, 'join').raised.push(at);
          phone.joined = true;
        });
      },
    ]);
    return fig;
  }

  /**
   * The phone opens a priority's wall (its first page, then its changes), as a resident looking
   * before writing does. Not waited for, and not a figure: an earlier Viche refuses the command.
   */
  private watch(phone: Phone, priorityCode: string, tag?: string): void {
    if (phone.watching !== priorityCode) phone.wallTag = undefined;
    phone.watching = priorityCode;
    if (this.options.bare || !phone.socket?.connected) return;
    // The page held, when it is the page now, is told in the ack (an earlier server's: as a wall:page).
    phone.socket.emit('wall:watch', { priorityCode, query: '', pages: 1, ...(tag ? { tag } : {}) }, (res: { ok: boolean; data?: { page?: WallPage } }) => {
      const page = res?.data?.page;
      if (page && page.priorityCode === phone.watching) phone.wallTag = page.tag;
    });
  }

  /** The bytes each phone of this fleet has read on the wire so far, in the order of the phones. */
  async bytes(): Promise<number[]> {
    return this.phones.map((p) => p.meter?.read() ?? 0);
  }

  /**
   * Each phone opens the wall of a priority, writes one idea there (the i-th phone: the i-th
   * priority, round), and once asks for the ideas proposed since it opened the wall.
   */
  async submitIdeas(windowMs: number): Promise<{ figures: Figures; ideas: SubmittedIdea[] }> {
    const fig: Figures = {};
    const ideas: SubmittedIdea[] = [];
    const priorities = this.forum?.priorities.map((p) => p.code) ?? [];
    if (priorities.length === 0) return { figures: { idea: { ...emptyFigures(), failed: { 'no priorities in the phone view': 1 } } }, ideas };
    await this.schedule(windowMs, this.joinedPhones(), (phone) => [
      async () => this.watch(phone, priorities[phone.index % priorities.length]),
      async () => this.watch(phone, priorities[phone.index % priorities.length]),
      async () => {
        const priorityCode = priorities[phone.index % priorities.length];
        await this.act(fig, 'idea', phone, 'idea:submit', { priorityCode, ...ideaText(phone.index), actionId: newActionId() }, (res, at) => {
          figuresOf(fig, 'idea').raised.push(at);
          if (res.data?.ideaId) ideas.push({ id: res.data.ideaId, priorityCode });
        });
      },
    ]);
    return { figures: fig, ideas };
  }

  /** The ideas a phone puts its dots on in one priority: `budget` dots, at most `perIdea` on one. */
  private ballot(list: string[], budget: number, perIdea: number): string[] {
    const out: string[] = [];
    const on = new Map<string, number>();
    const offset = Math.floor(Math.random() * list.length);
    for (let k = 0; out.length < budget && k < list.length * perIdea; k++) {
      const id = list[(offset + k) % list.length];
      if ((on.get(id) ?? 0) >= perIdea) continue;
      on.set(id, (on.get(id) ?? 0) + 1);
      out.push(id);
    }
    return out;
  }

  /** Each phone spends every dot it has: dotsPerPriority in each priority, as the phone view's rules say, each priority's wall open as it does. */
  async spendDots(windowMs: number, ideas: Record<string, string[]>): Promise<Figures> {
    const fig: Figures = {};
    const rules = this.forum?.rules;
    if (!rules) return { dot: { ...emptyFigures(), failed: { 'no rules in the phone view': 1 } } };
    await this.schedule(windowMs, this.joinedPhones(), (phone) =>
      Object.entries(ideas).flatMap(([priorityCode, list]) => [
        async () => this.watch(phone, priorityCode),
        ...this.ballot(list, rules.dotsPerPriority, rules.maxDotsPerIdea).map((ideaId) => () => this.placeDot(fig, 'dot', phone, priorityCode, ideaId)),
      ]),
    );
    return fig;
  }

  private placeDot(fig: Figures, kind: string, phone: Phone, priorityCode: string, ideaId: string) {
    return this.act(fig, kind, phone, 'dot:place', { ideaId, actionId: newActionId() }, (_res, at) => {
      phone.addDot(ideaId, 1);
      if (!phone.votedIn.has(priorityCode)) figuresOf(fig, kind).raised.push(at);
      phone.votedIn.add(priorityCode);
    });
  }

  private removeDot(fig: Figures, kind: string, phone: Phone, ideaId: string) {
    return this.act(fig, kind, phone, 'dot:remove', { ideaId, actionId: newActionId() }, () => phone.addDot(ideaId, -1));
  }

  /**
   * The closed loop: every phone places a dot and takes it back, over and over, each as soon as
   * the previous ack is back, for `durationMs`. A phone told RATE_LIMITED waits the seconds it was
   * told, as a well-behaved client does (one that does not is cut off, which is not what is
   * measured here). It never holds more than one dot of the loop's, so it stays within budget.
   */
  async loop(durationMs: number, ideas: Record<string, string[]>): Promise<LoopFigures> {
    const fig: Figures = {};
    const priorities = Object.keys(ideas).filter((p) => ideas[p].length > 0);
    const start = clock();
    const end = start + durationMs;
    let last = start;
    if (priorities.length === 0) return { figures: { dot: { ...emptyFigures(), failed: { 'no ideas to vote on': 1 } } }, seconds: 0 };
    await Promise.all(
      this.joinedPhones().map(async (phone) => {
        const priorityCode = priorities[phone.index % priorities.length];
        const list = ideas[priorityCode];
        let k = phone.index;
        let holding: string | null = null;
        while (clock() < end && !this.aborted) {
          const target: string = holding ?? list[k++ % list.length];
          const ack = holding ? await this.removeDot(fig, 'dot', phone, target) : await this.placeDot(fig, 'dot', phone, priorityCode, target);
          if (ack?.ok) holding = holding ? null : target;
          else if (ack?.error?.code === 'RATE_LIMITED') await this.pause(Math.min(end - clock(), (ack.error.params?.seconds ?? 1) * 1000));
          else if (ack?.error?.code === 'NO_DOT_TO_REMOVE') holding = null;
          else if (!ack) await this.pause(100);
        }
        last = Math.max(last, clock());
      }),
    );
    return { figures: fig, seconds: (last - start) / 1000 };
  }

  /**
   * The reconnect storm, at `at` (the same moment in every fleet): each phone sends a dot:remove
   * and its connection is closed under it at once, so that nobody knows whether the server got
   * it. Socket.IO reconnects by itself; the phone sends the removal again with the same actionId
   * (done once, whatever happened), then places the dot back.
   */
  async storm(at: number, timeoutMs: number): Promise<StormFigures> {
    const fig: Figures = {};
    const phones = this.joinedPhones();
    await this.pause(at - clock());
    const dropAt = clock();
    const frames = () => phones.reduce((a, p) => ({ in: a.in + p.framesIn, out: a.out + p.framesOut }), { in: 0, out: 0 });
    const framesBefore = frames();
    const back: number[] = [];
    let notBack = 0;
    const settling: Promise<void>[] = [];
    for (const phone of phones) {
      const socket = phone.socket!;
      const ideaId = phone.dots.keys().next().value as string | undefined;
      const waitBack = new Promise<void>((resolve) => {
        const notYet = () => {
          clearTimeout(timer);
          this.aborters.delete(notYet);
          notBack++;
          phone.onMe = null;
          resolve();
        };
        const timer = setTimeout(notYet, timeoutMs);
        this.aborters.add(notYet);
        if (this.options.bare) {
          // A bare server sends no view: back is connected again and answered once.
          socket.once('connect', () => {
            socket.emit('ping', {}, () => {
              clearTimeout(timer);
              this.aborters.delete(notYet);
              back.push(clock() - dropAt);
              resolve();
            });
          });
          return;
        }
        phone.onMe = () => {
          // Its view again, on the new connection.
          if (!socket.connected || phone.connectedAt <= dropAt || phone.meAt < phone.connectedAt || !phone.me) return;
          clearTimeout(timer);
          this.aborters.delete(notYet);
          phone.onMe = null;
          back.push(phone.meAt - dropAt);
          resolve();
        };
      });
      const removal = ideaId ? this.removeDot(fig, 'storm', phone, ideaId) : Promise.resolve(null);
      socket.io.engine.close();
      settling.push(
        (async () => {
          await waitBack;
          const removed = await removal;
          if (ideaId && removed?.ok) await this.placeDot(fig, 'storm', phone, '', ideaId);
        })(),
      );
    }
    await Promise.all(settling);
    const settledMs = clock() - dropAt;
    // A removal whose ack never came is settled first: only then do the phones know what they hold.
    await this.settle();
    // The `me` pushed after the last ack comes just after it.
    await sleep(500);
    let meMismatch = 0;
    for (const phone of phones) {
      const seen = Object.entries(phone.me?.dots ?? {}).filter(([, n]) => n > 0);
      const held = [...phone.dots.entries()].filter(([, n]) => n > 0);
      if (seen.length !== held.length || held.some(([id, n]) => phone.me?.dots[id] !== n)) meMismatch++;
    }
    const framesAfter = frames();
    return { figures: fig, back, notBack, settledMs, meMismatch, dropped: phones.length, framesIn: framesAfter.in - framesBefore.in, framesOut: framesAfter.out - framesBefore.out };
  }

  /**
   * Sends every action whose ack never came again, with its actionId: an ok ack (duplicate or not)
   * means it is done exactly once, a refusal that it was never done. Afterwards the phones' record
   * of their dots is exact, unless an action is still unanswered (`unsettled`).
   */
  async settle(): Promise<{ settled: number; unsettled: number }> {
    const byPhone = new Map<Phone, Unsettled[]>();
    for (const u of this.unsettled) byPhone.set(u.phone, [...(byPhone.get(u.phone) ?? []), u]);
    this.unsettled = [];
    let settled = 0;
    const left: Unsettled[] = [];
    const settleOne = async (u: Unsettled) => {
      for (let round = 0; round < 5; round++) {
        if (!u.phone.socket || this.aborted) break;
        const { ack } = await this.send(u.phone, u.event, u.payload);
        if (ack?.ok) {
          u.onOk(ack);
          settled++;
          return;
        }
        if (ack && ack.error?.code !== 'RATE_LIMITED') return void settled++;
        if (ack) await this.pause((ack.error?.params?.seconds ?? 1) * 1000);
      }
      left.push(u);
    };
    // One at a time per phone, as its actions were sent.
    await Promise.all(
      [...byPhone.values()].map(async (list) => {
        for (const u of list) await settleOne(u);
      }),
    );
    this.unsettled = left;
    return { settled, unsettled: left.length };
  }

  /** Dots acked per idea, placed minus removed, over this fleet's phones. */
  async tally(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const phone of this.phones) for (const [id, n] of phone.dots) bump(out, id, n);
    return out;
  }

  async load(): Promise<DriverLoad | null> {
    return null;
  }

  async close(): Promise<void> {
    for (const phone of this.phones) {
      phone.socket?.close();
      phone.socket = null;
    }
  }
}

