// The server's own secrets, kept in the store's settings so that every server process reading the
// same store shares them: the facilitator's key, the person key (a city vote's voter codes and
// person ids are keyed hashes under keys derived from it; it never changes and never leaves the
// store, so a forum file carries none of it), and the key download grants are signed with,
// numbered by its epoch. Rotating the facilitator's key moves the grant key to a new epoch, so every
// download link made before it stops working, at every process alike. A process holds both in
// memory and reads them again when a key or a grant it is shown does not match what it holds (at
// most once a second, so a flood of wrong keys is not a flood of reads): another process may have
// rotated them.

import { randomBytes } from 'node:crypto';
import type { ForumStore } from '../db/store.js';
import { newSecret } from '../forum/room.js';

/** The key grants are signed with now; a grant of an earlier epoch was made before a rotation. */
export interface GrantKey {
  epoch: number;
  secret: string;
}

/** Stored as "<epoch>.<secret>"; anything else is no key (a new one is made at start-up). */
function grantKeyOf(stored: string | null): GrantKey | null {
  const m = stored === null ? null : /^([1-9]\d{0,14})\.([A-Za-z0-9_-]{32,})$/.exec(stored);
  return m ? { epoch: Number(m[1]), secret: m[2] } : null;
}

const grantKeySetting = (key: GrantKey): string => `${key.epoch}.${key.secret}`;
const newGrantSecret = (): string => randomBytes(32).toString('base64url');

/** Least time between two re-reads caused by a key or grant that did not match. */
export const MISS_RELOAD_MS = 1000;

export class ServerSecrets {
  private lastMissReload = -Infinity;
  private readonly rotatedListeners = new Set<() => void>();

  private constructor(
    private readonly store: ForumStore,
    private readonly write: (run: () => Promise<void>) => Promise<void>,
    private key: string,
    private grant: GrantKey,
    /** The key a city vote's voter codes and person ids are made under (forum/persons.ts). */
    readonly personKey: string,
  ) {}

  /**
   * Reads both secrets from the store, making and storing any that is missing; `facilitatorKey`
   * (FACILITATOR_KEY) replaces the stored key. `write` stores through the server's storage health.
   */
  static async load(store: ForumStore, write: (run: () => Promise<void>) => Promise<void>, facilitatorKey?: string): Promise<ServerSecrets> {
    const stored = await store.getSetting('facilitator_key');
    const key = facilitatorKey || stored || newSecret();
    if (key !== stored) await write(() => store.setSetting('facilitator_key', key));
    const storedGrant = grantKeyOf(await store.getSetting('grant_key'));
    const grant = storedGrant ?? { epoch: 1, secret: newGrantSecret() };
    if (!storedGrant) await write(() => store.setSetting('grant_key', grantKeySetting(grant)));
    const storedPerson = await store.getSetting('person_key');
    const personKey = storedPerson && storedPerson.length >= 32 ? storedPerson : newGrantSecret();
    if (personKey !== storedPerson) await write(() => store.setSetting('person_key', personKey));
    return new ServerSecrets(store, write, key, grant, personKey);
  }

  /** The facilitator's key: it opens every forum's console. */
  get facilitatorKey(): string {
    return this.key;
  }

  get grantKey(): GrantKey {
    return this.grant;
  }

  /**
   * A new facilitator key and a new grant epoch, both stored before either is used. The grant key
   * first: should the second write fail, old links are void and the old key still works, never the
   * other way round.
   */
  async rotate(): Promise<string> {
    const grant = { epoch: this.grant.epoch + 1, secret: newGrantSecret() };
    await this.write(() => this.store.setSetting('grant_key', grantKeySetting(grant)));
    this.grant = grant;
    const key = newSecret();
    await this.write(() => this.store.setSetting('facilitator_key', key));
    this.key = key;
    return key;
  }

  /**
   * Reads both secrets from the store again; true when another process rotated them meanwhile,
   * and then every `onRotatedElsewhere` listener is told. The grant epoch never goes back.
   */
  async reload(): Promise<boolean> {
    const key = await this.store.getSetting('facilitator_key');
    const grant = grantKeyOf(await this.store.getSetting('grant_key'));
    const keyChanged = key !== null && key !== this.key;
    const grantChanged = grant !== null && grant.epoch > this.grant.epoch;
    if (keyChanged) this.key = key;
    if (grantChanged) this.grant = grant;
    if (keyChanged || grantChanged) for (const listener of this.rotatedListeners) listener();
    return keyChanged || grantChanged;
  }

  /**
   * As reload, when a key or grant did not match; at most once per MISS_RELOAD_MS, false otherwise.
   * A store that cannot be read now changes nothing: the keys held stand.
   */
  async reloadAfterMiss(now = Date.now()): Promise<boolean> {
    if (now - this.lastMissReload < MISS_RELOAD_MS) return false;
    this.lastMissReload = now;
    try {
      return await this.reload();
    } catch {
      return false;
    }
  }

  /** Called when a re-read finds the secrets rotated by another process. */
  onRotatedElsewhere(listener: () => void): () => void {
    this.rotatedListeners.add(listener);
    return () => this.rotatedListeners.delete(listener);
  }
}
