// Sending a console command: one place that awaits the ack, shows a toast either way and keeps
// track of which buttons are waiting for the server, so a button cannot fire twice.

import { useCallback, useRef, useState } from 'react';
import type { AckError, CommandName, CommandPayload, CommandResults } from '../../shared/protocol.js';
import { send } from '../lib/connection.js';
import { useToasts } from '../lib/ui.js';

export interface Commands {
  /** True while the command started under `id` waits for its ack. */
  busy(id: string): boolean;
  /** Sends and resolves with whether the server accepted. */
  run<N extends CommandName>(
    id: string,
    name: N,
    payload: CommandPayload<N>,
    okText: (data: CommandResults[N]) => string,
    /** Takes a refusal that is a question rather than an error (no toast then); returns whether it did. */
    answers?: (error: AckError) => boolean,
  ): Promise<boolean>;
}

export function useCommands(): Commands {
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const inFlight = useRef(new Set<string>());

  const run = useCallback(
    async <N extends CommandName>(
      id: string,
      name: N,
      payload: CommandPayload<N>,
      okText: (data: CommandResults[N]) => string,
      answers?: (error: AckError) => boolean,
    ): Promise<boolean> => {
      if (inFlight.current.has(id)) return false;
      inFlight.current.add(id);
      setPending(new Set(inFlight.current));
      try {
        const ack = await send(name, payload);
        const { show } = useToasts.getState();
        if (ack.ok) {
          show(okText(ack.data), 'ok');
          return true;
        }
        if (!answers?.(ack.error)) show(ack.error.message, 'error');
        return false;
      } finally {
        inFlight.current.delete(id);
        setPending(new Set(inFlight.current));
      }
    },
    [],
  );

  return { busy: (id) => pending.has(id), run };
}
