// LOOP_DELAY_LOG=<ms>, for measuring only (off by default): every <ms> the server prints the
// longest its event loop was held up since the last line, watched with a 1 ms timer
// (perf_hooks.monitorEventLoopDelay), as `VICHE_LOOP_DELAY {"at":<epoch ms>,"maxMs":<ms>}`.
// scripts/stalls.ts reads these lines from the server it starts, to tell how long each request
// held up everyone else; from outside, only a hall's slowest ack hints at it.

import { monitorEventLoopDelay } from 'node:perf_hooks';

export function logLoopDelay(everyMs: number, write: (line: string) => void = (line) => process.stdout.write(line)): void {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  setInterval(() => {
    write(`VICHE_LOOP_DELAY ${JSON.stringify({ at: Date.now(), maxMs: Number((delay.max / 1e6).toFixed(1)) })}\n`);
    delay.reset();
  }, everyMs).unref();
}
