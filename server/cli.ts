// `npm start`: starts the forum and prints where each screen opens, with the join QR in the terminal.

import QRCode from 'qrcode';
import { ConfigError, configFromEnv, startServer, type RunningServer } from './main.js';

let server: RunningServer;
try {
  server = await startServer(configFromEnv());
} catch (err) {
  // A setting that cannot work is one sentence, not a stack trace.
  if (err instanceof ConfigError) {
    process.stderr.write(`Viche cannot start: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
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
