// A fleet of simulated phones in a child process of the load driver (scripts/load.ts RemoteFleet):
// when one process cannot keep thousands of connections busy, the phones are spread over several.
// Each message is a method call on the fleet; the answer carries its result (plain data).

import { Fleet, type FleetOptions } from './fleet.js';
import { DriverMonitor } from './measure.js';

let fleet: Fleet | null = null;
const monitor = new DriverMonitor();

process.on('message', (msg: { id: number; method: string; args: unknown[] }) => {
  void (async () => {
    try {
      if (msg.method === 'setCode') return fleet?.setCode(msg.args[0] as string);
      let result: unknown = null;
      if (msg.method === 'init') fleet = new Fleet(msg.args[0] as FleetOptions);
      else if (msg.method === 'load') result = monitor.take();
      else result = await (fleet as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[msg.method](...msg.args);
      process.send!({ id: msg.id, result });
    } catch (err) {
      process.send!({ id: msg.id, error: (err as Error)?.stack ?? String(err) });
    }
  })();
});

process.on('disconnect', () => process.exit(0));
