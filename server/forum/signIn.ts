// Sign-in with a state or bank e-ID through OpenID Connect (the form Ukraine's id.gov.ua offers):
// a phone asks to sign in, is sent to the provider with a state, a nonce and a PKCE challenge, and
// comes back to the server's callback with a code, exchanged here for an ID token whose issuer and
// subject name the person. Built on openid-client (the OpenID Foundation-certified relying party
// for Node, by the author of the jose library it rests on; it runs on Node 20 with its own fetch
// and Web Crypto). What waits between the two steps is held in memory for 10 minutes, keyed by a
// state (the forum's address and a random part), and names only the forum and the device's token
// hash: several processes behind a proxy need the callback routed to the forum's, which the
// address in the state lets the proxy do (scripts/haproxy.ts).

import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';

export interface OidcSettings {
  /** OIDC_ISSUER: the provider's issuer URL (its /.well-known/openid-configuration is read). */
  issuer: string;
  /** OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: this server, as registered with the provider. */
  clientId: string;
  clientSecret: string;
  /** OIDC_SCOPE: what to ask for; `openid` by default (the subject is all a ballot needs). */
  scope?: string;
  /**
   * OIDC_PERSON_CLAIM: the claim holding a state register's number for the person (id.gov.ua's
   * `drfocode`, the taxpayer number РНОКПП), which staff at a voting point can type from the
   * resident's document; unset, a person is the provider's subject, which no document shows.
   */
  personClaim?: string;
}

const WAIT_MS = 10 * 60_000;
const MAX_WAITING = 100_000;

interface Started {
  forumId: string;
  slug: string;
  tokenHash: string;
  verifier: string;
  nonce: string;
  at: number;
}

export interface SignedIn {
  forumId: string;
  slug: string;
  tokenHash: string;
  /** The provider's issuer and the person's subject there: stable, and the provider's own. */
  issuer: string;
  subject: string;
  /** The register number under OIDC_PERSON_CLAIM, as the provider gave it; absent when not set up or not given. */
  register?: string;
}

export class OidcSignIn {
  private config: Promise<client.Configuration> | null = null;
  private readonly started = new Map<string, Started>();

  constructor(
    private readonly settings: OidcSettings,
    /** Where the provider sends the phone back: the server's public address and /auth/oidc/callback. */
    readonly redirectUri: string,
  ) {}

  /** The provider's configuration, read once; read again after a failure (the provider was down). */
  private configuration(): Promise<client.Configuration> {
    if (!this.config) {
      const issuer = new URL(this.settings.issuer);
      // Plain HTTP only for a provider on this machine (a test's); a real one is HTTPS.
      const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
      this.config = client.discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, local ? { execute: [client.allowInsecureRequests] } : undefined);
      this.config.catch(() => (this.config = null));
    }
    return this.config;
  }

  /** The provider's sign-in address for this device, in this forum. */
  async start(forumId: string, slug: string, tokenHash: string, now = Date.now()): Promise<string> {
    const config = await this.configuration();
    for (const [state, s] of this.started) {
      if (now - s.at <= WAIT_MS && this.started.size < MAX_WAITING) break;
      this.started.delete(state);
    }
    // The forum's address first: behind a proxy in front of several processes (npm run cluster),
    // the callback carries nothing else to say which process started the sign-in and holds what
    // waits for it, and the proxy routes it by this part as it routes the forum's own requests
    // (scripts/haproxy.ts). Only the whole state, random after the dot, finds a sign-in here.
    const state = `${slug}.${randomBytes(16).toString('base64url')}`;
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    this.started.set(state, { forumId, slug, tokenHash, verifier, nonce, at: now });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scope ?? 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return url.href;
  }

  /** The provider's answer at the callback: who signed in, on which device, for which forum; throws when it is not a good one. */
  async finish(callbackUrl: URL, now = Date.now()): Promise<SignedIn> {
    const state = callbackUrl.searchParams.get('state') ?? '';
    const started = this.started.get(state);
    if (!started || now - started.at > WAIT_MS) throw new SignInExpired();
    this.started.delete(state);
    const tokens = await client.authorizationCodeGrant(await this.configuration(), callbackUrl, {
      pkceCodeVerifier: started.verifier,
      expectedState: state,
      expectedNonce: started.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims?.sub) throw new Error('the ID token names no subject');
    const register = await this.registerNumber(tokens, claims);
    return { forumId: started.forumId, slug: started.slug, tokenHash: started.tokenHash, issuer: claims.iss, subject: claims.sub, ...(register ? { register } : {}) };
  }

  /**
   * The person's register number: from the ID token, else from the user-info endpoint (where most
   * providers put what a scope asks for beyond the subject); undefined when the provider gives none.
   */
  private async registerNumber(tokens: client.TokenEndpointResponse, claims: client.IDToken): Promise<string | undefined> {
    const name = this.settings.personClaim;
    if (!name) return undefined;
    const read = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);
    const inToken = read(claims[name]);
    if (inToken) return inToken;
    const config = await this.configuration();
    if (!tokens.access_token || !config.serverMetadata().userinfo_endpoint) return undefined;
    return read((await client.fetchUserInfo(config, tokens.access_token, claims.sub))[name]);
  }

  /** Whether persons are keyed by a register number staff can type in (OIDC_PERSON_CLAIM is set). */
  get personClaim(): string | null {
    return this.settings.personClaim ?? null;
  }
}

/** A callback whose state this server did not start, or started too long ago. */
export class SignInExpired extends Error {
  constructor() {
    super('sign-in not started here, or started over 10 minutes ago');
  }
}
