/**
 * OvhClient: one per set of credentials. It owns the connection pool, the server-time delta
 * and the OAuth2 token, so every call made through it shares them.
 */
import { setMaxListeners } from 'node:events';
import v8 from 'node:v8';
import { CallScope } from './abort';
import { ApiBase } from './endpoints';
import { OvhAbortError, OvhAnswerError, OvhApiError, OvhError, OvhInputError, OvhNetworkError, OvhTimeoutError } from './errors';
import { MOST_NESTING, measureJsonText } from './depth';
import { appendAll } from './arrays';
import { ServerClock } from './clock';
import { TokenCache, readTokenAnswer, tokenRequest, type ClientCredentials } from './oauth2';
import { CallLimiter, type LimitOptions } from './limiter';
import { signerFor, type Signer } from './signature';
import {
  Transport,
  TransportFailure,
  type BytesTaker,
  type ProxyChoice,
  type RawResponse,
  type RequestTarget,
} from './transport';
import { DEFAULT_RETRY, FRESH_RETRY_STATE, REPEATABLE, decide, type AttemptOutcome, type RetryOptions } from './retry';
import { checkHeaders, encodeBody, normalizeMethod, urlText, type HttpMethod } from './request';
import { consumerKeyBody, readConsumerKeyAnswer, type ConsumerKeyAnswer, type ConsumerKeyRequest } from './consumer-key';
import { CREDENTIAL_WORDS, missingCredentials, type AuthType, type Credentials } from './credentials';
import { Secrets } from './redact';
import type { Branch } from './catalogue';
import { SECRET_ANSWER, observedBody, type CallObserver, type CallRecord } from './call-observer';

export interface OvhClientOptions {
  /** A region name (`ovh-eu`, `ovh-ca`, `ovh-us`, `kimsufi-eu`, ...) or a base URL like `https://eu.api.ovh.com/1.0`. */
  endpoint: string;
  /**
   * `signature` (application key, secret, consumer key) or `oauth2` (client id and secret).
   * Default: `oauth2` when a client id or secret is given. Missing credentials of the chosen type
   * are named by each call.
   */
  authType?: AuthType;
  /** Signed calls: application key, application secret, consumer key. */
  appKey?: string;
  appSecret?: string;
  consumerKey?: string;
  /** OAuth2 service account: client id and secret. When given, calls carry a bearer token instead of a signature. */
  clientId?: string;
  clientSecret?: string;
  /** OAuth2 token URL; defaults to the region's. */
  tokenUrl?: string;
  /** OAuth2 scope; defaults to `all`. */
  scope?: string;
  /**
   * Time allowed for one attempt's headers and each stall of its body (default 30 s); its whole
   * answer has twice it (WHOLE_ANSWER_TIMEOUTS).
   */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** See TransportOptions.proxy: undefined = from the environment, a URL or ProxyChoice, or false. */
  proxy?: string | false | ProxyChoice;
  /** Extra trusted CA certificates (PEM) for a private endpoint. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** The largest answer read, in bytes (default 64 MiB); a bigger one fails with ANSWER_TOO_LARGE. */
  maxAnswerBytes?: number;
  userAgent?: string;
  /** Calls at once, calls per second and queue bound, shared by every call of this client. */
  limits?: LimitOptions;
  /** Told of each call once it ended, its own calls (time, token) included: for a log line (call-observer.ts). */
  onCall?: CallObserver;
  /** Give onCall the bodies sent and answered, every secret masked (default false). */
  observeBodies?: boolean;
}

export interface CallOptions {
  /** Values of `{name}` placeholders in the path, each sent as one encoded segment. */
  params?: Record<string, unknown>;
  /** Query parameters, appended to any query already in the path. */
  query?: unknown;
  /** JSON body for POST and PUT; `undefined` or `null` sends no body. */
  body?: unknown;
  /** Extra request headers, e.g. `X-Pagination-Size`. */
  headers?: unknown;
  signal?: AbortSignal;
  /** Overrides the client's retry options for this call; `false` never retries. */
  retry?: Partial<RetryOptions> | false;
}

export interface OvhResponse<T = unknown> {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; `null` for an empty answer; the text itself when it is not JSON. */
  body: T;
  queryId?: string;
  method: HttpMethod;
  /** The URL as sent. */
  url: string;
  /** How many times the request was sent (retries and time re-syncs included). */
  attempts: number;
  durationMs: number;
}

/** What a call resolves with: its whole response, or its body alone (get, post, put, delete). */
type AnswerShape = 'response' | 'body';

/** The options of a call given none: one object for all (never written to). */
const NO_OPTIONS: CallOptions = Object.freeze({});

/**
 * A call ready to send: built and checked once, signed afresh per attempt (into its own headers
 * object, so nothing is copied per attempt).
 */
interface PreparedCall {
  method: HttpMethod;
  url: RequestTarget;
  /** Path as the caller wrote it (placeholders unfilled): what error messages name. */
  path: string;
  body: string | undefined;
  headers: Record<string, string>;
  auth: 'signature' | 'oauth2' | 'none' | 'application';
  /** The clock generation of the last attempt's timestamp (signed calls): what a re-sync needs. */
  signedWith?: number;
  /** The bearer token of the last attempt (OAuth2): what a renewal needs. */
  bearerToken?: string;
  /** Takes a successful answer's body as bytes, unparsed (describeApiBytes). */
  takeBytes?: BytesTaker;
  /** Harmless to send again whatever its method (the OAuth2 token request): retried like a GET. */
  repeatable?: true;
  /** Its answer is a secret (a token, a new consumer key): an observer never sees it. */
  secretAnswer?: true;
}

export class OvhClient {
  readonly base: ApiBase;
  readonly authType: AuthType;
  private readonly appKey?: string;
  private readonly appSecret?: string;
  private readonly consumerKey?: string;
  /** The credentials of its auth type that are missing: every call is refused until given. */
  private readonly missing: string | undefined;
  /** Signs with this account's secret and consumer key, their part of the text joined once. */
  private readonly signer?: Signer;
  private readonly transport: Transport;
  private readonly clock: ServerClock;
  private readonly tokens?: TokenCache;
  /** The secrets this client sends, masked in every error built from an answer. */
  private readonly secrets: Secrets;
  private readonly retry: RetryOptions;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly closing = new AbortController();
  private readonly limiter: CallLimiter;
  /** Targets of paths called without placeholder values or query, by path. */
  private readonly plainTargets = new Map<string, RequestTarget>();
  private timeCalls = 0;
  private readonly onCall?: CallObserver;
  private readonly observeBodies: boolean;

  constructor(options: OvhClientOptions) {
    this.onCall = options.onCall;
    this.observeBodies = options.observeBodies === true;
    this.base = new ApiBase(options.endpoint, options.tokenUrl);
    this.appKey = nonEmpty(options.appKey);
    this.appSecret = nonEmpty(options.appSecret);
    this.consumerKey = nonEmpty(options.consumerKey);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.userAgent = options.userAgent ?? 'node-red-contrib-ovhcloud';
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      throw new OvhInputError('The timeout must be a positive number of milliseconds');
    }
    if (options.maxAnswerBytes !== undefined && !(Number.isInteger(options.maxAnswerBytes) && options.maxAnswerBytes > 0)) {
      throw new OvhInputError('The largest answer must be a whole number of bytes above 0');
    }
    this.timeoutMs = timeoutMs;
    this.transport = new Transport({ timeoutMs, proxy: options.proxy, ca: options.ca, maxAnswerBytes: options.maxAnswerBytes });
    this.clock = new ServerClock(() => this.fetchServerTime());
    this.limiter = new CallLimiter(options.limits);
    // Every call in flight listens to this signal: hundreds at once are normal, not a leak.
    setMaxListeners(0, this.closing.signal);

    const clientId = nonEmpty(options.clientId);
    const clientSecret = nonEmpty(options.clientSecret);
    this.authType = options.authType ?? (clientId || clientSecret ? 'oauth2' : 'signature');
    const given: Credentials = {
      appKey: this.appKey,
      appSecret: this.appSecret,
      consumerKey: this.consumerKey,
      clientId,
      clientSecret,
    };
    // A given proxy's password too: an error quoting what a proxy sent must not show it either.
    const proxyPassword = typeof options.proxy === 'object' ? options.proxy.password : undefined;
    this.secrets = Secrets.of([this.appSecret, this.consumerKey, clientSecret, proxyPassword]);
    const missing = missingCredentials(this.authType, given);
    this.missing = missing.length > 0 ? missing.map((name) => 'no ' + CREDENTIAL_WORDS[name]).join(', ') : undefined;
    if (this.appSecret && this.consumerKey) this.signer = signerFor(this.appSecret, this.consumerKey);
    if (this.authType === 'oauth2') {
      const tokenUrl = this.base.tokenUrl;
      if (!tokenUrl) {
        throw new OvhInputError(`OAuth2 service accounts are not offered on ${this.base.baseUrl}: give a token URL`);
      }
      const scope = options.scope ?? 'all';
      // Never called while a credential is missing: every call is refused first.
      const credentials = { clientId: clientId as string, clientSecret: clientSecret as string, scope };
      this.tokens = new TokenCache(() => this.fetchToken(tokenUrl, credentials));
    }
  }

  /** How many `/auth/time` calls this client has made (one per client, plus re-syncs). */
  get serverTimeCalls(): number {
    return this.timeCalls;
  }

  /** Server time delta in seconds (server minus local), once known. */
  get clockOffsetSeconds(): number | undefined {
    return this.clock.offsetSeconds;
  }

  /** Calls waiting for a turn under the account's limits. */
  get queued(): number {
    return this.limiter.queued;
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  get<T = unknown>(path: string, options: Omit<CallOptions, 'body'> = NO_OPTIONS): Promise<T> {
    return this.call('GET', path, options, 'body') as Promise<T>;
  }

  post<T = unknown>(path: string, body?: unknown, options: CallOptions = NO_OPTIONS): Promise<T> {
    return this.call('POST', path, { ...options, body }, 'body') as Promise<T>;
  }

  put<T = unknown>(path: string, body?: unknown, options: CallOptions = NO_OPTIONS): Promise<T> {
    return this.call('PUT', path, { ...options, body }, 'body') as Promise<T>;
  }

  delete<T = unknown>(path: string, options: Omit<CallOptions, 'body'> = NO_OPTIONS): Promise<T> {
    return this.call('DELETE', path, options, 'body') as Promise<T>;
  }

  /** A signed (or bearer) call. Everything is checked before anything is sent. */
  request<T = unknown>(method: string, path: string, options: CallOptions = NO_OPTIONS): Promise<OvhResponse<T>> {
    return this.call(method, path, options, 'response') as Promise<OvhResponse<T>>;
  }

  /** request(), resolving with the whole response or with its body alone (see execute). */
  private call(method: string, path: string, options: CallOptions, shape: AnswerShape): Promise<unknown> {
    let call: PreparedCall;
    try {
      call = this.prepare(method, path, options);
      if (this.missing) throw new OvhInputError(`Missing credentials: ${this.missing}`, { kind: 'missing-credentials' });
    } catch (err) {
      return Promise.reject(err);
    }
    return this.execute(call, options, shape);
  }

  /** The server's Unix time, from the unsigned `GET /auth/time`. */
  async serverTime(): Promise<number> {
    const { timestamp } = await this.clock.now();
    return timestamp;
  }

  /**
   * Asks for a new consumer key (`POST /auth/credential`, with the application key only).
   * The person must then open `validationUrl` and log in before the key works.
   */
  async requestConsumerKey(request: ConsumerKeyRequest, signal?: AbortSignal): Promise<ConsumerKeyAnswer> {
    if (!this.appKey) throw new OvhInputError('No application key: it is needed to request a consumer key');
    const call = this.prepare('POST', '/auth/credential', { body: consumerKeyBody(request) }, 'application');
    call.secretAnswer = true;
    // A POST that reached the server may have created a key: never sent twice.
    return readConsumerKeyAnswer(await this.execute(call, { signal, retry: false }, 'body'));
  }

  /**
   * The API's description of itself, unauthenticated: the families a branch lists (no family),
   * or one family's paths, operations and models (see catalogue.ts to read them).
   */
  async describeApi(branch: Branch, family?: string, signal?: AbortSignal): Promise<unknown> {
    return this.execute(this.describeCall(branch, family), { signal }, 'body');
  }

  /**
   * describeApi's answer as the API sent it, unparsed: its bytes, for a parse elsewhere (a
   * worker thread: a description of megabytes takes tens of ms to parse). At most
   * `maxAnswerBytes`, as every answer.
   */
  async describeApiBytes(branch: Branch, family?: string, signal?: AbortSignal): Promise<Buffer> {
    const call = this.describeCall(branch, family);
    let bytes: Buffer = Buffer.alloc(0);
    call.takeBytes = (answer) => (bytes = answer);
    await this.execute(call, { signal }, 'body');
    return bytes;
  }

  private describeCall(branch: Branch, family: string | undefined): PreparedCall {
    if (family !== undefined && !/^\/[A-Za-z0-9]+(\/[A-Za-z0-9]+)*$/.test(family)) {
      throw new OvhInputError(`"${family}" is not an API family like /domain or /dedicated/server`);
    }
    return this.prepare('GET', `/${branch}${family === undefined ? '/' : family + '.json'}`, {}, 'none');
  }

  /** `GET /auth/currentCredential`: status, rules and expiry of the consumer key in use (signed). */
  currentCredential<T = Record<string, unknown>>(signal?: AbortSignal): Promise<T> {
    return this.get<T>('/auth/currentCredential', { signal });
  }

  /**
   * /v2 cursor pagination: yields each page's answer, following `X-Pagination-Cursor-Next`
   * until the last page. Throws when more than `maxPages` pages come.
   */
  async *pages<T = unknown>(
    path: string,
    options: Omit<CallOptions, 'body'> & { pageSize?: number; maxPages?: number } = {},
  ): AsyncGenerator<OvhResponse<T>> {
    const { pageSize, maxPages = 100, ...callOptions } = options;
    const baseHeaders = checkHeaders(callOptions.headers);
    if (pageSize !== undefined) {
      if (!Number.isInteger(pageSize) || pageSize < 1) throw new OvhInputError('The page size must be a whole number above 0');
      baseHeaders['x-pagination-size'] = String(pageSize);
    }
    let cursor: string | undefined;
    for (let page = 1; ; page++) {
      if (page > maxPages) {
        throw new OvhError(`${path} has more than ${maxPages} pages: raise the page limit or the page size`, 'PAGE_LIMIT');
      }
      const headers = cursor === undefined ? baseHeaders : { ...baseHeaders, 'x-pagination-cursor': cursor };
      const res = await this.request<T>('GET', path, { ...callOptions, headers });
      yield res;
      const next = firstHeader(res.headers['x-pagination-cursor-next']);
      if (!next) return;
      cursor = next;
    }
  }

  /** Every item of a /v2 list, across its pages. */
  async allPages<T = unknown>(
    path: string,
    options: Omit<CallOptions, 'body'> & { pageSize?: number; maxPages?: number } = {},
  ): Promise<{ items: T[]; pages: number; attempts: number }> {
    const items: T[] = [];
    let pages = 0;
    let attempts = 0;
    for await (const res of this.pages<T[]>(path, options)) {
      pages++;
      attempts += res.attempts;
      appendAll(items, pageItems(res.body) as T[]);
    }
    return { items, pages, attempts };
  }

  /** Aborts every call in flight (they reject with OvhAbortError) and closes the connections. */
  async close(): Promise<void> {
    if (!this.closing.signal.aborted) this.closing.abort(new OvhAbortError('The OVHcloud client was closed'));
    await this.transport.close();
  }

  /**
   * Where a call goes. A path without placeholder values or query is checked once and its target
   * kept: a flow calls the same few paths over and over.
   */
  private targetOf(path: string, params: Record<string, unknown> | undefined, query: unknown): RequestTarget {
    if (params === undefined && (query === undefined || query === null)) {
      let target = this.plainTargets.get(path);
      if (target === undefined) {
        target = this.base.target(urlText(this.base, path));
        if (this.plainTargets.size >= 500) this.plainTargets.clear();
        this.plainTargets.set(path, target);
      }
      return target;
    }
    return this.base.target(urlText(this.base, path, params, query));
  }

  private prepare(method: string, path: string, options: CallOptions, auth?: PreparedCall['auth']): PreparedCall {
    const verb = normalizeMethod(method);
    const url = this.targetOf(path, options.params, options.query);
    const body = encodeBody(options.body);
    if (body !== undefined && (verb === 'GET' || verb === 'DELETE')) {
      throw new OvhInputError(`A ${verb} call has no body: put its values in the query instead`);
    }
    const mode = auth ?? this.authType;
    const headers = options.headers === undefined ? this.headersTemplate(mode) : checkHeaders(options.headers);
    headers['user-agent'] ??= this.userAgent;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return {
      method: verb,
      url,
      path,
      body,
      headers,
      auth: mode,
      // Every field from the start: one object shape for every call.
      signedWith: undefined,
      bearerToken: undefined,
      takeBytes: undefined,
    };
  }

  /**
   * The headers of a call without extra headers; a signed call's are created with the fields
   * each attempt sets (filled in by sign): one object shape, no field added one by one per call.
   */
  private headersTemplate(auth: PreparedCall['auth']): Record<string, string> {
    return auth !== 'signature' || this.signer === undefined
      ? { 'user-agent': this.userAgent }
      : {
          'user-agent': this.userAgent,
          'x-ovh-application': this.appKey as string,
          'x-ovh-consumer': this.consumerKey as string,
          'x-ovh-timestamp': '',
          'x-ovh-signature': '',
        };
  }

  /**
   * The call loop: one attempt at a time, each outcome handed to the retry rules (retry.ts),
   * which say whether to return, fail, or wait, re-sync the clock or renew the token first.
   * Resolves with the whole OvhResponse, or with its body alone (`shape`: no response object
   * built, no answer header parsed, for the calls that return the body).
   */
  private execute(call: PreparedCall, options: CallOptions, shape: 'body'): Promise<unknown>;
  private execute(call: PreparedCall, options: CallOptions, shape?: AnswerShape): Promise<OvhResponse>;
  private async execute(call: PreparedCall, options: CallOptions, shape: AnswerShape = 'response'): Promise<unknown> {
    if (this.closed) throw new OvhAbortError('The OVHcloud client is closed');
    const retry = this.retryFor(options.retry);
    const started = Date.now();
    const scope = new CallScope(this.closing.signal, options.signal, call.method, call.path);
    let state = FRESH_RETRY_STATE;
    let attempts = 0;
    /** For the observer: the last answer, and what the call threw. */
    let lastRaw: RawResponse | undefined;
    let thrown: unknown;
    try {
      for (;;) {
        let raw: RawResponse | undefined;
        let failure: TransportFailure | undefined;
        try {
          raw = await this.attempt(call, scope);
        } catch (err) {
          if (!(err instanceof TransportFailure)) throw err;
          failure = err;
        }
        attempts++;
        lastRaw = raw;
        let error: OvhApiError | undefined;
        if (raw !== undefined) {
          const body =
            raw.text.length > READ_IN_TURNS_FROM
              ? await readBodyInTurns(raw, call, attempts, this.secrets)
              : readBody(raw, call, attempts, this.secrets);
          // The retry rules return every answer under 400, whatever came before: returned here at once.
          if (raw.statusCode < 400) return shape === 'body' ? body : responseOf(raw, body, call, attempts, started);
          error = new OvhApiError({
            ...responseOf(raw, body, call, attempts, started),
            path: call.path,
            secrets: secretsOf(call, this.secrets),
          });
        }
        const decision = decide(
          outcomeOf(call, raw, failure, error, scope),
          state,
          call.repeatable ? REPEATABLE : call.method,
          retry,
        );
        state = decision.state;
        switch (decision.next.action) {
          case 'return': // only an answer under 400, returned above
          case 'fail':
            throw error ?? this.transportError(failure as TransportFailure, call, attempts, scope);
          case 'wait':
            await scope.sleep(decision.next.ms);
            break;
          case 'resync':
            await scope.abortable(this.clock.resync(call.signedWith as number));
            break;
          case 'renewToken':
            this.tokens?.invalidate(call.bearerToken as string);
            break;
        }
      }
    } catch (err) {
      thrown = err;
      throw err;
    } finally {
      scope.dispose();
      if (this.onCall) this.observe(call, started, attempts, lastRaw, thrown);
    }
  }

  /** Tells the observer of a call that ended; an observer that throws never changes the call. */
  private observe(call: PreparedCall, started: number, attempts: number, raw: RawResponse | undefined, thrown: unknown): void {
    const record: CallRecord = {
      method: call.method,
      path: call.path,
      statusCode: raw?.statusCode,
      durationMs: Date.now() - started,
      attempts,
      queryId: raw && observedQueryId(raw, call, this.secrets),
      error: thrown === undefined ? undefined : thrown instanceof OvhError ? thrown.code : 'ERROR',
    };
    if (this.observeBodies) {
      // Built only here: a new pattern per call would cost every call when only lines are logged.
      const secrets = secretsOf(call, this.secrets);
      if (call.body !== undefined) record.sent = observedBody(call.body, secrets);
      if (raw && raw.text !== '') record.answered = call.secretAnswer ? SECRET_ANSWER : observedBody(raw.text, secrets);
    }
    try {
      this.onCall!(record);
    } catch {
      // The observer's own failure is its own: the call's outcome stands.
    }
  }

  /** The client's retry options, as one call overrides them (`false`: never retry). */
  private retryFor(override: CallOptions['retry']): RetryOptions {
    if (override === undefined) return this.retry;
    return override === false ? { ...this.retry, maxAttempts: 1 } : { ...this.retry, ...override };
  }

  /**
   * One attempt: a turn under the account's limits, the authentication, the request; rejects
   * with a TransportFailure when no answer came. Without limits, with the clock synced (or the
   * token fresh), it goes straight to the transport: the path nearly every call takes.
   */
  private attempt(call: PreparedCall, scope: CallScope): Promise<RawResponse> {
    // The time and token calls the client makes for itself are not limited: a call holding
    // the last turn may be waiting for them.
    if ((call.auth === 'none' || this.limiter.unlimited) && this.authenticateNow(call)) {
      // Only the caller's signal goes to the transport: closing the client destroys its connections.
      return this.transport.send(call.method, call.url, call.headers, call.body, scope.caller, call.takeBytes);
    }
    return this.attemptAfterWaiting(call, scope);
  }

  /** The slow path of attempt: wait for a turn, a time sync or a token first. */
  private async attemptAfterWaiting(call: PreparedCall, scope: CallScope): Promise<RawResponse> {
    const release =
      call.auth === 'none' || this.limiter.unlimited
        ? undefined
        : await this.limiter.acquire(scope.signal).catch((err: unknown) => {
            // Aborted while queued: named like a call aborted in flight.
            throw scope.aborted ? scope.abortError() : err;
          });
    try {
      // Signed once the call has its turn, so the timestamp is fresh when it is sent.
      if (!this.authenticateNow(call)) await this.authenticate(call, scope);
      return await this.transport.send(call.method, call.url, call.headers, call.body, scope.caller, call.takeBytes);
    } finally {
      release?.();
    }
  }

  private transportError(failure: TransportFailure, call: PreparedCall, attempts: number, scope: CallScope): OvhError {
    if (failure.kind === 'aborted' || scope.aborted) return scope.abortError();
    const init = { method: call.method, path: call.path, attempts };
    return failure.kind === 'timeout'
      ? new OvhTimeoutError(this.timeoutMs, init, failure.message)
      : new OvhNetworkError(failure.message, failure.code, {
          ...init,
          cause: failure.cause,
          secrets: secretsOf(call, this.secrets),
        });
  }

  /**
   * Authenticates one attempt, written into the call's own headers: a fresh timestamp and
   * signature, or the current bearer token. False when it must first wait for a time sync or a
   * token.
   */
  private authenticateNow(call: PreparedCall): boolean {
    switch (call.auth) {
      case 'none':
        return true;
      case 'application':
        call.headers['x-ovh-application'] = this.appKey as string;
        return true;
      case 'oauth2': {
        const token = this.tokens!.cached();
        if (token !== undefined) this.bearer(call, token);
        return token !== undefined;
      }
      case 'signature': {
        const now = this.clock.cached();
        if (now !== undefined) this.sign(call, now);
        return now !== undefined;
      }
    }
  }

  /**
   * The slow path of authenticateNow: waits for the time sync or the token, then uses exactly
   * what it waited for (never asks again: a token already stale on arrival would loop).
   */
  private async authenticate(call: PreparedCall, scope: CallScope): Promise<void> {
    if (call.auth === 'oauth2') this.bearer(call, await scope.abortable(this.tokens!.get()));
    if (call.auth === 'signature') this.sign(call, await scope.abortable(this.clock.now()));
  }

  private bearer(call: PreparedCall, token: string): void {
    call.headers.authorization = 'Bearer ' + token;
    call.bearerToken = token;
  }

  private sign(call: PreparedCall, now: { timestamp: number; generation: number }): void {
    const headers = call.headers;
    const timestamp = String(now.timestamp);
    headers['x-ovh-application'] = this.appKey as string;
    headers['x-ovh-consumer'] = this.consumerKey as string;
    headers['x-ovh-timestamp'] = timestamp;
    headers['x-ovh-signature'] = this.signer!(call.method, call.url.href, call.body ?? '', timestamp);
    call.signedWith = now.generation;
  }

  private async fetchServerTime(): Promise<number> {
    this.timeCalls++;
    const call = this.prepare('GET', '/auth/time', NO_OPTIONS, 'none');
    const res = await this.execute(call, NO_OPTIONS);
    const value = typeof res.body === 'number' ? res.body : Number(res.body);
    // Not the answer itself: a URL that is not the API may answer anything, secrets included.
    if (!Number.isFinite(value) || value < EARLIEST_TIME || value > LATEST_TIME) {
      throw new OvhError(
        `GET /auth/time answered ${res.statusCode} without a time: ${this.base.baseUrl} does not answer like the OVHcloud API`,
        'BAD_ANSWER',
      );
    }
    return Math.floor(value);
  }

  private async fetchToken(
    tokenUrl: string,
    credentials: ClientCredentials,
  ): Promise<{ accessToken: string; expiresIn: number }> {
    const request = tokenRequest(tokenUrl, credentials);
    request.headers['user-agent'] = this.userAgent;
    // A token endpoint answering 5xx is retried with the calls' backoff: asking again only makes another token.
    return readTokenAnswer(
      await this.execute({ method: 'POST', ...request, auth: 'none', repeatable: true, secretAnswer: true }, NO_OPTIONS, 'body'),
    );
  }
}

/** The server times believed (2000 to 2100): anything else is not a clock. */
const EARLIEST_TIME = 946_684_800;
const LATEST_TIME = 4_102_444_800;

/** The items of one /v2 page: its list, or a lone object as one item; none for an empty page. */
export function pageItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  return body === null || body === undefined ? [] : [body];
}

/** JSON when it parses, `null` when empty, otherwise the text (e.g. an HTML error page). */
/** After what the event loop has waiting (I/O, timers, other flows' messages). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return /^\s*$/.test(text) ? null : text;
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function nonEmpty(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Answers longer than this (in characters) are read in turns: their decoding, their nesting
 * check and their parse each hold the event loop a few ms per MB, so other flows run in between.
 */
const READ_IN_TURNS_FROM = 1024 * 1024;

/**
 * The most an answer may weigh once parsed, in bytes: an eighth of this process's heap (a watch
 * holds its answer, what it saw and its copy at once; a flow may clone a msg), at most 256 MiB. A
 * few MB of `[{},{},...]` weigh hundreds once parsed: their size in bytes alone is no bound, and
 * Node-RED on a small heap (`--max-old-space-size=256`, a Raspberry Pi's) died parsing one.
 */
export const MOST_PARSED_BYTES = Math.min(v8.getHeapStatistics().heap_size_limit / 8, 256 * 1024 * 1024);

/**
 * An answer's body, read once. JSON nested deeper than MOST_NESTING levels, or that would weigh
 * more than MOST_PARSED_BYTES once parsed, is refused before it is parsed: every walk of it (a
 * copy, a comparison, sending it on) would overflow the stack, or the parse itself exhaust the
 * heap.
 */
function readBody(raw: RawResponse, call: PreparedCall, attempts: number, secrets: Secrets): unknown {
  checkAnswer(raw, call, attempts, secrets);
  return parseBody(raw.text);
}

/** readBody for an answer of megabytes: its check and its parse each in a turn of their own. */
async function readBodyInTurns(raw: RawResponse, call: PreparedCall, attempts: number, secrets: Secrets): Promise<unknown> {
  await nextTurn();
  checkAnswer(raw, call, attempts, secrets);
  await nextTurn();
  return parseBody(raw.text);
}

/** Throws the OvhAnswerError of an answer nested too deep or too heavy once parsed. */
function checkAnswer(raw: RawResponse, call: PreparedCall, attempts: number, secrets: Secrets): void {
  const measure = measureJsonText(raw.text);
  if (measure.depth > MOST_NESTING) {
    throw refusedAnswer(
      raw,
      call,
      attempts,
      secrets,
      `the answer (${raw.statusCode}) is JSON nested deeper than ${MOST_NESTING} levels, which no OVHcloud answer is: it was not read`,
      'ANSWER_TOO_DEEP',
    );
  }
  if (measure.parsedWeight > MOST_PARSED_BYTES) {
    const mb = (bytes: number) => Math.ceil(bytes / (1024 * 1024));
    throw refusedAnswer(
      raw,
      call,
      attempts,
      secrets,
      `the answer (${raw.statusCode}, ${mb(raw.text.length)} MB) would take about ${mb(measure.parsedWeight)} MB of memory once read, more than the ${mb(MOST_PARSED_BYTES)} MB an answer may take in this process: it was not read`,
      'ANSWER_TOO_LARGE',
    );
  }
}

function refusedAnswer(
  raw: RawResponse,
  call: PreparedCall,
  attempts: number,
  secrets: Secrets,
  reason: string,
  code: string,
): OvhAnswerError {
  return new OvhAnswerError(reason, code, {
    statusCode: raw.statusCode,
    method: call.method,
    path: call.path,
    url: call.url.href,
    queryId: firstHeader(raw.headers['x-ovh-queryid']),
    attempts,
    secrets: secretsOf(call, secrets),
  });
}

/** The response of an answer read. */
function responseOf(raw: RawResponse, body: unknown, call: PreparedCall, attempts: number, started: number): OvhResponse {
  return {
    statusCode: raw.statusCode,
    headers: raw.headers,
    body,
    queryId: firstHeader(raw.headers['x-ovh-queryid']),
    method: call.method,
    url: call.url.href,
    attempts,
    durationMs: Date.now() - started,
  };
}

/**
 * An answer's query id as an observer may see it: only what has a query id's shape (no `$` of a
 * signature), with no secret of the client in it, nor the call's bearer token.
 */
function observedQueryId(raw: RawResponse, call: PreparedCall, secrets: Secrets): string | undefined {
  const queryId = firstHeader(raw.headers['x-ovh-queryid']);
  if (queryId === undefined || !/^[\w.-]{1,100}$/.test(queryId)) return undefined;
  if (call.bearerToken !== undefined && queryId.includes(call.bearerToken)) return undefined;
  return secrets.text(queryId) === queryId ? queryId : undefined;
}

/** The client's secrets and those of the call's last attempt: its bearer token, its signature. */
function secretsOf(call: PreparedCall, secrets: Secrets): Secrets {
  return secrets.and([call.bearerToken, call.headers['x-ovh-signature']]);
}

/** What the retry rules need to know of an attempt. */
function outcomeOf(
  call: PreparedCall,
  raw: RawResponse | undefined,
  failure: TransportFailure | undefined,
  error: OvhApiError | undefined,
  scope: CallScope,
): AttemptOutcome {
  if (raw === undefined) {
    const sent = failure as TransportFailure;
    return {
      kind: 'transport',
      aborted: sent.kind === 'aborted' || scope.aborted,
      reachedServer: sent.reachedServer,
      repeatable: sent.repeatable,
    };
  }
  return {
    kind: 'answered',
    statusCode: raw.statusCode,
    errorCode: error?.errorCode,
    retryAfter: raw.headers['retry-after'],
    signed: call.auth === 'signature',
    bearer: call.auth === 'oauth2',
  };
}
