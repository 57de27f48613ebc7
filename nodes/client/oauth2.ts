/**
 * OAuth2 service accounts (client credentials): one token at a time per client, fetched when
 * first needed, shared by concurrent callers, and refreshed shortly before it expires (10 s, as
 * the official clients do, or half its lifetime for a token that lives 20 s or less).
 */

import { OvhError } from './errors';
import { isPlainObject } from './request';
import type { RequestTarget } from './transport';

export interface BearerToken {
  accessToken: string;
  /** Local time (ms) after which the token must not be used. */
  refreshAt: number;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Default `all`. */
  scope: string;
}

/** The client-credentials token request: a form POST to the token URL. */
export function tokenRequest(
  tokenUrl: string,
  credentials: ClientCredentials,
): { url: RequestTarget; path: string; body: string; headers: Record<string, string> } {
  const parsed = new URL(tokenUrl);
  const url = { href: parsed.href, origin: parsed.origin, path: parsed.pathname + parsed.search };
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: credentials.scope,
  });
  return {
    url,
    path: parsed.pathname,
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  };
}

/** The token and its lifetime (an hour when the answer gives none). */
export function readTokenAnswer(body: unknown): { accessToken: string; expiresIn: number } {
  const record = isPlainObject(body) ? body : {};
  if (typeof record.access_token !== 'string' || record.access_token === '') {
    throw new OvhError('The OAuth2 token endpoint answered without an access token', 'BAD_ANSWER');
  }
  const expiresIn = typeof record.expires_in === 'number' ? record.expires_in : Number(record.expires_in);
  return { accessToken: record.access_token, expiresIn: Number.isFinite(expiresIn) ? expiresIn : 3600 };
}

/** Refresh this long before the server's expiry, as the official clients do. */
const REFRESH_MARGIN_MS = 10_000;

/**
 * When a token with this lifetime should be replaced. The margin is capped at half the
 * lifetime: a token valid for 10 s or less would otherwise be stale on arrival.
 */
export function refreshAfterMs(expiresInSeconds: number): number {
  const lifetime = Math.max(0, expiresInSeconds * 1000);
  return lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 2);
}

export class TokenCache {
  private token: BearerToken | undefined;
  private pending: Promise<BearerToken> | undefined;

  /** `fetchToken` returns the access token and its lifetime in seconds. */
  constructor(
    private readonly fetchToken: () => Promise<{ accessToken: string; expiresIn: number }>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current token without waiting, while it is fresh. */
  cached(): string | undefined {
    return this.token && this.now() < this.token.refreshAt ? this.token.accessToken : undefined;
  }

  /**
   * The fresh token, or a newly fetched one (shared by every caller waiting for it). A newly
   * fetched token is returned even when its lifetime is already spent: it is the newest there
   * is, and fetching again at once would only loop.
   */
  async get(): Promise<string> {
    const fresh = this.cached();
    if (fresh !== undefined) return fresh;
    if (!this.pending) {
      this.pending = this.fetchToken().then(
        ({ accessToken, expiresIn }) => {
          this.token = { accessToken, refreshAt: this.now() + refreshAfterMs(expiresIn) };
          this.pending = undefined;
          return this.token;
        },
        (err: unknown) => {
          this.pending = undefined;
          throw err;
        },
      );
    }
    return (await this.pending).accessToken;
  }

  /** Forgets a token the API refused (401), unless a newer one already replaced it. */
  invalidate(refused: string): void {
    if (this.token?.accessToken === refused) this.token = undefined;
  }
}
