/**
 * OAuth2 service accounts (client credentials): one token at a time per client, fetched when
 * first needed, shared by concurrent callers, and refreshed 10 s before it expires.
 */

export interface BearerToken {
  accessToken: string;
  /** Local time (ms) after which the token must not be used. */
  refreshAt: number;
}

/** Refresh this long before the server's expiry, as the official clients do. */
const REFRESH_MARGIN_MS = 10_000;

export class TokenCache {
  private token: BearerToken | undefined;
  private pending: Promise<BearerToken> | undefined;

  /** `fetchToken` returns the access token and its lifetime in seconds. */
  constructor(private readonly fetchToken: () => Promise<{ accessToken: string; expiresIn: number }>) {}

  /** The current token without waiting, while it is fresh. */
  cached(): string | undefined {
    return this.token && Date.now() < this.token.refreshAt ? this.token.accessToken : undefined;
  }

  async get(): Promise<string> {
    if (this.token && Date.now() < this.token.refreshAt) return this.token.accessToken;
    if (!this.pending) {
      this.pending = this.fetchToken().then(
        ({ accessToken, expiresIn }) => {
          this.token = { accessToken, refreshAt: Date.now() + Math.max(0, expiresIn * 1000 - REFRESH_MARGIN_MS) };
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
