// A real OpenID Connect provider for tests (oidc-provider, its development log-in pages standing in
// for id.gov.ua's) on a loopback port, and its pages walked as a browser walks them.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const OIDC_SECRET = 'a-client-secret-long-enough-for-tests';

export interface TestProvider {
  issuer: string;
  /** Starts answering, for a relying party whose callback is `redirectUri` (known once its server listens). */
  serve(redirectUri: string): void;
  close(): Promise<void>;
}

/**
 * A provider on a loopback port whose accounts are the logins typed at its page; `claims` adds
 * what it says of one beyond the subject, given out under the scope `tax` (as id.gov.ua gives the
 * taxpayer number РНОКПП as `drfocode`).
 */
export async function startOidcProvider(claims: (login: string) => Record<string, string> = () => ({})): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    serve(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [{ client_id: 'viche', client_secret: OIDC_SECRET, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'] }],
        claims: { openid: ['sub'], tax: ['drfocode'] },
        findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...claims(id) }) }),
        cookies: { keys: ['a-cookie-key-for-tests'] },
      });
      server.on('request', provider.callback());
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The provider's pages, walked as a browser walks them from the sign-in address: its redirects
 * followed with its cookies, `login` typed at the log-in page and the consent given. Returns the
 * address it sends the browser back to (the callback), not followed.
 */
export async function walkProvider(start: string, login: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  let form: Record<string, string> | null = null;
  for (let step = 0; step < 20; step++) {
    const res: Response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    form = null;
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.origin !== url.origin || next.pathname === '/auth/oidc/callback') return next;
      url = next;
      continue;
    }
    const html: string = await res.text();
    if (res.status !== 200) throw new Error(`the provider answered ${res.status}: ${html.slice(0, 300)}`);
    // A page with a form: the log-in's or the consent's (both post to the interaction's address).
    const prompt: string | undefined = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (prompt === 'login') form = { prompt, login, password: 'anything' };
    else if (prompt === 'consent') form = { prompt };
    else throw new Error(`a page of the provider with no form known here: ${html.slice(0, 300)}`);
  }
  throw new Error('the provider never sent the browser back');
}

