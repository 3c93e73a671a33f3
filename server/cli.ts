// `npm start`: starts the forum and prints where each screen opens, with the join QR in the terminal.

import { setFlagsFromString } from 'node:v8';
import QRCode from 'qrcode';
import { StartupError } from './errors.js';
import { Refusal } from './forum/room.js';
import { logLoopDelay } from './loopDelay.js';
import { configFromEnv, startServer, type RunningServer } from './main.js';

// V8 lets its heap grow to about three times what is live before collecting again: with 5,000
// phones in a paced evening the server reached 874 MiB resident with under 250 MiB live. Growing by
// 30 % at a time kept it at 494 MiB, for a little more collecting (`npm run bench`).
setFlagsFromString('--heap-growing-percent=30');
// The young generation is capped at 8 MiB a half (16 by default) by `npm start`'s
// --max-semi-space-size=8 (it must be given when Node starts): at 5,000 phones, peak RSS 403 -> 381
// MiB, dot ack p95 67-85 ms either way (BENCH_SERVER_NODE_ARGS=--max-semi-space-size=8).

let server: RunningServer;
try {
  server = await startServer(configFromEnv());
} catch (err) {
  // A start that cannot go on is one sentence that says what to fix; the stack trace is for
  // LOG_LEVEL=debug, or for a failure nobody foresaw.
  const debug = process.env.LOG_LEVEL === 'debug';
  if (err instanceof StartupError) {
    process.stderr.write(`Віче не може запуститися: ${err.uk} / Viche cannot start: ${err.en}\n`);
    if (debug) process.stderr.write(`${err.stack}\n`);
  } else {
    process.stderr.write(`Віче не може запуститися / Viche cannot start: ${(err as Error)?.message ?? String(err)}\n`);
    process.stderr.write(debug ? `${(err as Error)?.stack}\n` : 'Подробиці покаже запуск із LOG_LEVEL=debug. / Run again with LOG_LEVEL=debug for the details.\n');
  }
  process.exit(1);
}

// Before anything is printed: whoever reads it may stop the server at once, and must find it stopping
// cleanly (the last backup, the lock released), not killed by the signal's default.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
}

// On demand, the forum the start-up text is about (the newest) is opened for it, as a phone would.
// With several processes on one database, another may hold it: for its own text a moment, or to
// serve it; then this one says so instead.
const newest = server.forums.records().at(-1)!.id;
let servedElsewhere = false;
for (let attempt = 0; !server.forums.primary(); attempt++) {
  try {
    await server.forums.use(newest);
  } catch (err) {
    if (!server.handOff || !(err instanceof Refusal)) throw err;
    if (attempt >= 20) {
      servedElsewhere = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
if (servedElsewhere) {
  process.stdout.write(
    [
      '',
      `  Віче працює на порту ${server.port}; форум /f/${server.slug}/ зараз обслуговує інший процес, а кожен форум відкривається тут, щойно проксі надішле його сюди.`,
      `  Viche is running on port ${server.port}; forum /f/${server.slug}/ is served by another process now, and each forum opens here as soon as the proxy sends it here.`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`VICHE_LISTENING ${JSON.stringify({ port: server.port, slug: server.slug, consoleUrl: server.consoleUrl, screenUrl: '', joinCode: '' })}\n`);
} else {
  const mode = server.room.state.admission;
  /** HOST is a loopback address: no phone, tablet or projector computer but this one gets in. */
  const loopbackOnly = !server.reachable.ok && server.reachable.why === 'loopback';
  // The terminal's QR opens the join page; in the hall mode the code to type is on the projector.
  // None when the server listens on loopback only: a QR that cannot work would only send the hall
  // to blame the Wi-Fi. (With no network yet, the mDNS name in it may work once the laptop joins one.)
  const qr = !loopbackOnly
    ? await QRCode.toString(mode === 'open' ? server.joinUrl : `${server.baseUrl}/`, {
        type: 'terminal',
        small: true,
        errorCorrectionLevel: 'M',
      })
    : '  (QR-коду немає: телефони не змогли б його відкрити. / No QR code: phones could not open it.)\n';
  const joinCodeLine = {
    hall: 'показує проєктор, змінюється кожні 30 с / shown on the projector; it changes every 30 s (ADMISSION=hall)',
    tickets: 'надруковано на кожному квитку: друкуйте їх із пульта / printed on each ticket: print them from the console (ADMISSION=tickets)',
    open: `${server.joinCode} (постійний / fixed: ADMISSION=open)`,
  }[mode];

  /** A warning framed so that it stands out of the addresses around it. */
  function banner(text: string): string[] {
    const rule = `  ${'!'.repeat(Math.min(text.length + 6, 100))}`;
    return [rule, `  !! ${text}`, rule, ''];
  }
  // Unreachable is said first and last: the addresses and the QR push the first out of sight.
  const unreachable = !server.reachable.ok && server.warning ? banner(server.warning) : [];
  const count = server.forums.records().length;
  // Read-only is said first too: the organiser chose it, but must not forget that nothing is saved.
  const readOnly = server.readOnly ? banner(server.readOnly) : [];

  // Ukrainian first, English second, as everywhere else. Every address to open on another device
  // (a tablet, the projector's computer, phones) comes first and is the public one (PUBLIC_URL or the
  // LAN address); this computer's own localhost comes after, marked as such. On loopback only, no
  // other device gets in, so the local addresses alone are given.
  const lines = [
    '',
    '  Віче працює. / Viche is running.',
    '',
    ...readOnly,
    ...unreachable,
    `  Форум / Forum: ${server.room.state.title} (/f/${server.slug}/; ${count === 1 ? 'єдиний на цьому сервері / the only forum here' : `один із ${count} / one of ${count}`})`,
    '',
    '  Пульт фасилітатора (посилання тримайте в таємниці) / Facilitator console (keep this link private):',
    ...(loopbackOnly
      ? [`    ${server.consoleUrl}`]
      : [`    ${server.publicConsoleUrl}`, `    на цьому комп’ютері / on this computer: ${server.consoleUrl}`]),
    '  Проєктор (теж таємне) / Projector (private too):',
    ...(loopbackOnly ? [`    ${server.localScreenUrl}`] : [`    ${server.screenUrl}`, `    на цьому комп’ютері / on this computer: ${server.localScreenUrl}`]),
    '  Телефони відкривають / Phones open:',
    `    ${server.baseUrl}/${loopbackOnly ? '  (лише цей комп’ютер, див. вище / this computer only: see above)' : ''}`,
    `  Код входу / Join code: ${joinCodeLine}`,
    '',
    ...(unreachable.length > 0 ? unreachable : server.warning ? [`  ! ${server.warning}`, ''] : []),
    qr,
  ];

  process.stdout.write(lines.join('\n') + '\n');
  // For measuring only: the event loop's longest stall, printed every LOOP_DELAY_LOG ms (server/loopDelay.ts).
  const loopDelayEvery = Number(process.env.LOOP_DELAY_LOG ?? 0);
  if (loopDelayEvery > 0) logLoopDelay(loopDelayEvery);
  // A machine-readable line for scripts and tests that start the server as a child process.
  const listening = JSON.stringify({ port: server.port, slug: server.slug, consoleUrl: server.consoleUrl, screenUrl: server.screenUrl, joinCode: server.joinCode });
  // Opened for the text alone: the process the proxy routes the forum to opens it on its first use.
  // Let go before the line below, so that whoever waits for it finds the forum free.
  if (server.handOff) await server.forums.letGo(server.forums.primary()!.room.record.id);
  process.stdout.write(`VICHE_LISTENING ${listening}\n`);
}
