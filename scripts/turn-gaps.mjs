// Preloaded into the server by the `stalls` bench part (scripts/stalls.ts, NODE_OPTIONS=--import):
// a 1 ms timer on the main thread that, whenever it fires more than TURN_GAPS_MS late, appends the
// gap to TURN_GAPS_FILE as a line of JSON: its span in µs of the machine's monotonic clock (the one
// a --cpu-prof profile is timed by) and the main thread's CPU time in it (Linux's schedstat), so a
// long turn is told apart from the process left off the CPU by other work on the machine.
import { isMainThread } from 'node:worker_threads';
import { openSync, readSync, writeSync } from 'node:fs';

if (isMainThread && process.env.TURN_GAPS_FILE) {
  const out = openSync(process.env.TURN_GAPS_FILE, 'a');
  const min = Number(process.env.TURN_GAPS_MS ?? 10);
  let stat = -1;
  try {
    stat = openSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'r');
  } catch {
    // Not Linux: the gaps without their CPU time.
  }
  const buf = Buffer.alloc(128);
  const cpuMs = () => (stat < 0 ? NaN : Number(buf.toString('latin1', 0, readSync(stat, buf, 0, 128, 0)).split(' ')[0]) / 1e6);
  let last = process.hrtime.bigint();
  let lastCpu = cpuMs();
  const tick = () => {
    const now = process.hrtime.bigint();
    const cpu = cpuMs();
    const ms = Number(now - last) / 1e6;
    if (ms > min) writeSync(out, `${JSON.stringify({ from: Number(last / 1000n), to: Number(now / 1000n), ms: Number(ms.toFixed(1)), cpu: Number((cpu - lastCpu).toFixed(1)) })}\n`);
    last = now;
    lastCpu = cpu;
    setTimeout(tick, 1).unref();
  };
  setTimeout(tick, 1).unref();
}
