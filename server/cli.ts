// `npm start`: starts the forum and prints where each screen opens, with the join QR in the terminal.

import QRCode from 'qrcode';
import { StartupError } from './errors.js';
import { configFromEnv, startServer, type RunningServer } from './main.js';

let server: RunningServer;
try {
  server = await startServer(configFromEnv());
} catch (err) {
  // A start that cannot go on is one sentence that says what to fix; the stack trace is for
  // LOG_LEVEL=debug, or for a failure nobody foresaw.
  const debug = process.env.LOG_LEVEL === 'debug';
  if (err instanceof StartupError) {
    process.stderr.write(`Viche cannot start: ${err.message}\n`);
    if (debug) process.stderr.write(`${err.stack}\n`);
  } else {
    process.stderr.write(`Viche cannot start: ${(err as Error)?.message ?? String(err)}\n`);
    process.stderr.write(debug ? `${(err as Error)?.stack}\n` : 'Run again with LOG_LEVEL=debug for the details.\n');
  }
  process.exit(1);
}

const mode = server.room.state.admission;
// The terminal's QR opens the join page; in the hall mode the code to type is on the projector.
const qr = await QRCode.toString(mode === 'open' ? server.joinUrl : `${server.baseUrl}/`, {
  type: 'terminal',
  small: true,
  errorCorrectionLevel: 'M',
});
const joinCodeLine = {
  hall: 'shown on the projector; it changes every 30 s (ADMISSION=hall)',
  tickets: 'printed on each ticket: print them from the console (ADMISSION=tickets)',
  open: `${server.joinCode} (fixed: ADMISSION=open)`,
}[mode];

const lines = [
  '',
  '  Віче / Viche is running.',
  '',
  `  Facilitator console (keep this link private):  ${server.consoleUrl}`,
  `  …from a tablet on the same network:            ${server.baseUrl}/console?key=${encodeURIComponent(server.facilitatorKey)}`,
  `  Projector (keep private too):                  ${server.screenUrl}`,
  `  Phones join at:                                ${server.baseUrl}/`,
  `  Join code:                                     ${joinCodeLine}`,
  '',
  ...(server.warning ? [`  ! ${server.warning}`, ''] : []),
  qr,
];
process.stdout.write(lines.join('\n') + '\n');
// A machine-readable line for scripts and tests that start the server as a child process.
process.stdout.write(
  `VICHE_LISTENING ${JSON.stringify({ port: server.port, consoleUrl: server.consoleUrl, screenUrl: server.screenUrl, joinCode: server.joinCode })}\n`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
}
