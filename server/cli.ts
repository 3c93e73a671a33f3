// `npm start`: starts the forum and prints where each screen opens, with the join QR in the terminal.

import QRCode from 'qrcode';
import { configFromEnv, startServer } from './main.js';

const server = await startServer(configFromEnv());
const qr = await QRCode.toString(server.joinUrl, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });

const lines = [
  '',
  '  Віче / Viche is running.',
  '',
  `  Facilitator console (keep this link private):  ${server.consoleUrl}`,
  `  …from a tablet on the same network:            ${new URL(server.joinUrl).origin}/console?key=${encodeURIComponent(server.facilitatorKey)}`,
  `  Projector:                                     ${server.screenUrl}`,
  `  Phones join at:                                ${server.joinUrl}`,
  `  Join code:                                     ${server.joinCode}`,
  '',
  ...(server.warning ? [`  ! ${server.warning}`, ''] : []),
  qr,
];
process.stdout.write(lines.join('\n') + '\n');
// A machine-readable line for scripts and tests that start the server as a child process.
process.stdout.write(`VICHE_LISTENING ${JSON.stringify({ port: server.port, consoleUrl: server.consoleUrl, joinCode: server.joinCode })}\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
}
