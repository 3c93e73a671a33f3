// The baseline for benchmarks: a bare Socket.IO server that acks every event at once, with no
// rules and no storage. Prints its port like the real server does.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => {
  socket.onAny((_event: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack === 'function') ack({ ok: true, data: {} });
  });
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`VICHE_LISTENING ${JSON.stringify({ port: (http.address() as AddressInfo).port })}\n`);
});
