// A short-lived download grant for the console's links (exports, ticket sheets), so that no link
// carries the facilitator's key. The server's grants last 10 minutes and are void once the key
// changes; the hook asks for one when its tab opens, again every
// 4 minutes and after every reconnect, and gives null while it has none that is surely valid.

import { useEffect, useState } from 'react';
import { send, useConnection } from '../lib/connection.js';
import { useConsole } from './store.js';

const REFRESH_MS = 4 * 60_000;
/**
 * A grant older than this is dropped when a refresh fails: it has at least this much life left
 * when fetched (10 − 5 minutes), which covers the time until the next attempt (4 minutes).
 */
const KEEP_AFTER_FAILURE_MS = 5 * 60_000;

export function useGrant(): string | null {
  const online = useConnection((s) => s.status === 'online');
  const key = useConsole((s) => s.key);
  const [held, setHeld] = useState<{ grant: string; key: string; at: number } | null>(null);

  useEffect(() => {
    if (!online) return;
    let live = true;
    const ask = async () => {
      const ack = await send('export:grant', {});
      if (!live) return;
      const now = Date.now();
      if (ack.ok) setHeld({ grant: ack.data.grant, key, at: now });
      else setHeld((h) => (h && now - h.at < KEEP_AFTER_FAILURE_MS ? h : null));
    };
    void ask();
    const timer = setInterval(() => void ask(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [online, key]);

  // A grant made under a key that has since changed was revoked with it.
  return held && held.key === key ? held.grant : null;
}
