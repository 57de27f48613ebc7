/**
 * HTTP transport over undici: one connection pool per origin (kept-alive sockets), timeouts per
 * attempt (the headers, each stall of the body, the whole answer), proxies from the environment the way Node-RED reads them, and every call abortable.
 * It sends exactly the origin, path, headers and body it is given and reports failures by kind,
 * so the client can decide what is safe to retry.
 *
 * Requests go through undici's dispatch API with a handler of our own that collects the answer:
 * no URL parsing, no response stream and no promise per chunk, only what an API call needs.
 */
import { performance } from 'node:perf_hooks';
import { LinkedList, Links } from './linked-list';
import { isIP } from 'node:net';
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';

/** Where a request goes, split once (see ApiBase.target): the signed URL and undici's two parts. */
export interface RequestTarget {
  /** The whole URL as sent: what is signed. */
  href: string;
  /** `https://host[:port]` */
  origin: string;
  /** Path and query, as sent. */
  path: string;
}

export interface TransportOptions {
  /**
   * Time allowed for the answer's headers, and for each stall of its body; the whole answer has
   * WHOLE_ANSWER_TIMEOUTS times it (see `send`).
   */
  timeoutMs: number;
  /**
   * `undefined`: use `http_proxy`/`https_proxy`/`no_proxy` (lower case first, then upper case),
   * as Node-RED's core nodes do. A URL or a ProxyChoice: that proxy. `false`: never use a proxy.
   */
  proxy?: string | false | ProxyChoice;
  /** Extra trusted CA certificates (PEM), e.g. for a private endpoint. Certificate checks stay on. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** The largest answer read, in bytes: a bigger one fails the attempt (default 64 MiB). */
  maxAnswerBytes?: number;
}

/**
 * A given proxy: always reached with CONNECT (the API's TLS runs inside the tunnel, so the proxy
 * sees the host name and nothing else); its user name and password go to it alone, as
 * Proxy-Authorization on each CONNECT.
 */
export interface ProxyChoice {
  /** `http://host:port` or `https://host:port`. */
  url: string;
  user?: string;
  password?: string;
  /** Hosts reached directly, in `no_proxy`'s words (Node-RED's http proxy node's list). */
  noProxy?: string;
}

export const DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * The whole answer of one attempt, headers and body, must come within this many timeouts of its
 * dispatch. A body that never stalls for a whole timeout (a byte every few seconds) would
 * otherwise hold its call, its msg and a watch for ever: undici's body timeout is per stall.
 */
export const WHOLE_ANSWER_TIMEOUTS = 2;

export type AnswerHeaders = Record<string, string | string[] | undefined>;

/** An attempt's answer: its status, its text, and its headers, parsed when first asked for. */
export class RawResponse {
  private parsed: AnswerHeaders | undefined;

  constructor(
    readonly statusCode: number,
    private readonly rawHeaders: Buffer[],
    readonly text: string,
  ) {}

  /**
   * By lower-case name; a repeated header as a list. Parsed once, when asked for: a call that
   * resolves with its body alone never asks (ten string conversions per answer saved).
   */
  get headers(): AnswerHeaders {
    return (this.parsed ??= parseHeaders(this.rawHeaders));
  }
}

/**
 * Takes a successful answer's body as bytes, undecoded (see `send`): its text is then empty. An
 * error answer's is still read as text, up to ERROR_TEXT_BYTES (past it, its status says it).
 */
export type BytesTaker = (bytes: Buffer) => void;

/** The most of an error answer read as text when its body was asked for as bytes. */
const ERROR_TEXT_BYTES = 64 * 1024;

/**
 * `too-large`: an answer over the size limit, which sending again would not change. `proxy`: the
 * proxy refused the tunnel (407 asks for credentials, 403 forbids the host): nothing reached the
 * API, and sending again would be refused the same way.
 */
export type FailureKind = 'network' | 'timeout' | 'aborted' | 'too-large' | 'proxy';

/** Why an attempt produced no answer. `reachedServer: false` means nothing was delivered. */
export class TransportFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly code: string,
    readonly reachedServer: boolean,
    cause?: unknown,
  ) {
    super(message, { cause });
  }

  /** Whether sending again may help. */
  get repeatable(): boolean {
    return this.kind !== 'too-large' && this.kind !== 'proxy';
  }
}

/** Errors raised before any byte of the request could reach the server. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export class Transport {
  private readonly dispatcher: Dispatcher;
  /** The proxy as errors name it (no user name or password), by the target's protocol; none: direct. */
  private readonly proxies: ProxyNames;
  private readonly timeoutMs: number;
  /** The time allowed for a whole answer, from dispatch. */
  private readonly wholeAnswerMs: number;
  readonly maxAnswerBytes: number;
  private destroyed = false;

  /**
   * Attempts in flight, watched for their headers' timeout and their whole answer's, in order
   * of start. Not a Set: a Set that every attempt entered and left kept them alive past the
   * young generation's collections (each scavenge then copied megabytes and took 5-10 ms, a
   * third of the client's CPU per call at concurrency 16).
   */
  private readonly inFlight = new LinkedList<AnswerHandler>((handler) => handler.inFlight);
  private watchdog: NodeJS.Timeout | undefined;

  constructor(options: TransportOptions) {
    this.timeoutMs = options.timeoutMs;
    this.wholeAnswerMs = WHOLE_ANSWER_TIMEOUTS * options.timeoutMs;
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    // The same TLS rules (and connect timeout) to the endpoint, direct or through any proxy.
    const tls = { ca: options.ca, rejectUnauthorized: true, timeout: this.timeoutMs };
    const proxyTls = { timeout: this.timeoutMs };
    const choice =
      typeof options.proxy === 'string' ? (options.proxy === '' ? undefined : { url: options.proxy }) : options.proxy;
    if (choice) {
      const token = proxyToken(choice);
      this.proxies = proxyNames(choice.url, choice.url, token !== undefined || hasUserInfo(choice.url));
      this.dispatcher =
        choice.noProxy === undefined
          ? new ProxyAgent({ uri: choice.url, token, requestTls: tls, proxyTls })
          : new EnvHttpProxyAgent({
              httpProxy: choice.url,
              httpsProxy: choice.url,
              noProxy: choice.noProxy,
              token,
              connect: tls,
              requestTls: tls,
              proxyTls,
            });
    } else if (options.proxy === undefined && proxyFromEnvironment()) {
      const env = process.env;
      const http = env.http_proxy || env.HTTP_PROXY;
      const https = env.https_proxy || env.HTTPS_PROXY || http;
      this.proxies = proxyNames(http, https, hasUserInfo(http) || hasUserInfo(https));
      this.dispatcher = new EnvHttpProxyAgent({ connect: tls, requestTls: tls, proxyTls });
    } else {
      this.proxies = {};
      this.dispatcher = new Agent({ connect: tls });
    }
  }

  /**
   * One attempt. Resolves with any HTTP answer; rejects with a TransportFailure. Timeouts: the
   * answer's headers within `timeoutMs` of the dispatch (connecting, a proxy's tunnel and 1xx
   * answers included), watched by one timer per transport rather than one per request, which
   * measurably costs CPU at hundreds of calls a second; then undici's own body timeout, for each
   * stall of the body; and the whole answer within `WHOLE_ANSWER_TIMEOUTS * timeoutMs` of the
   * dispatch, watched by the same timer. `takeBytes`: a successful answer's body is handed to it as bytes, never
   * decoded here (a document another thread parses).
   */
  send(
    method: string,
    target: RequestTarget,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
    takeBytes?: BytesTaker,
  ): Promise<RawResponse> {
    if (signal?.aborted || this.destroyed) {
      return Promise.reject(new TransportFailure('aborted', 'aborted before sending', 'ABORTED', false));
    }
    return new Promise((resolve, reject) => {
      const handler = new AnswerHandler(this, target.origin, resolve, reject, signal, takeBytes);
      this.watch(handler);
      const request: Dispatcher.DispatchOptions = {
        origin: target.origin,
        path: target.path,
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      };
      if (this.connectionFreeing) setImmediate(() => this.dispatchLater(request, handler));
      else this.dispatcher.dispatch(request, handler);
    });
  }

  /**
   * An answer has ended: its connection is free again only once undici has gone through the
   * event loop's check phase (a `setImmediate` after the answer, before it reuses a connection).
   * A request sent before then finds every connection of the pool busy and opens one more: a
   * caller answered at once and calling again (C calls at once, each after the other) made its
   * pool grow to twice C connections, a TLS handshake each, and keep them churning.
   */
  answered(): void {
    this.connectionFreeing = true;
  }

  /** True from an answer's end until the next request waits for undici's check phase. */
  private connectionFreeing = false;

  /**
   * A request held until undici has freed the connections answers ended on (this immediate
   * runs after undici's, queued before it): it then reuses one, as a pool limited to the calls
   * in flight would. Not sent when it ended meanwhile (aborted, timed out).
   */
  private dispatchLater(request: Dispatcher.DispatchOptions, handler: AnswerHandler): void {
    this.connectionFreeing = false;
    if (!handler.ended) this.dispatcher.dispatch(request, handler);
  }

  /** What a failed attempt was, in the terms the client decides on. `origin`: the target's. */
  failure(err: unknown, signal: AbortSignal | undefined, origin?: string): TransportFailure {
    if (err instanceof TransportFailure) return err;
    const proxy = origin === undefined ? undefined : this.proxyFailure(err, origin);
    if (proxy) return proxy;
    const code = errorCode(err);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new TransportFailure('timeout', `no answer within ${this.timeoutMs} ms`, 'TIMEOUT', true, err);
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new TransportFailure('timeout', `no connection within ${this.timeoutMs} ms`, 'TIMEOUT', false, err);
    }
    if (signal?.aborted || this.destroyed) return new TransportFailure('aborted', 'aborted', 'ABORTED', true, err);
    const reached = !NOT_CONNECTED_CODES.has(code);
    return new TransportFailure('network', networkMessage(err, code), code, reached, err);
  }

  /**
   * A failure of the proxy itself, named (never with its password): a tunnel it refused (407: its
   * credentials; 403: the host), a tunnel it could not open (it could not reach the API: nothing
   * was delivered, so it may be sent again), or no connection to it at all.
   */
  private proxyFailure(err: unknown, origin: string): TransportFailure | undefined {
    const https = origin.startsWith('https:');
    const proxy = https ? this.proxies.https : this.proxies.http;
    if (!proxy) return undefined;
    const host = new URL(origin).host;
    const tunnel = /^Proxy response \((\d{3})\) !== 200/.exec(err instanceof Error ? err.message : '');
    if (tunnel) {
      const status = Number(tunnel[1]);
      if (status === 407) {
        const message = this.proxies.withCredentials
          ? `the proxy ${proxy.name} refused its user name and password (407): check them in the account's Proxy setting`
          : `the proxy ${proxy.name} asks for a user name and password (407 Proxy Authentication Required): give them in the account's Proxy setting`;
        return new TransportFailure('proxy', message, 'PROXY_AUTHENTICATION', false, err);
      }
      if (status === 403) {
        return new TransportFailure(
          'proxy',
          `the proxy ${proxy.name} refused a tunnel to ${host} (403)`,
          'PROXY_REFUSED',
          false,
          err,
        );
      }
      return new TransportFailure(
        'network',
        `the proxy ${proxy.name} could not reach ${host} (it answered ${status} to CONNECT)`,
        'PROXY_TUNNEL_FAILED',
        false,
        err,
      );
    }
    const code = errorCode(err);
    if (NOT_CONNECTED_CODES.has(code) && code !== 'UND_ERR_CONNECT_TIMEOUT' && failedAt(err, proxy)) {
      const why = code === 'ECONNREFUSED' ? 'refused the connection: is it running?' : `cannot be reached (${code})`;
      return new TransportFailure('network', `the proxy ${proxy.name} ${why}`, code, false, err);
    }
    return undefined;
  }

  private watch(handler: AnswerHandler): void {
    this.inFlight.add(handler);
    if (this.watchdog === undefined) {
      this.watchdog = setInterval(() => this.expire(), Math.min(1000, Math.max(50, this.timeoutMs / 4)));
      this.watchdog.unref();
    }
  }

  /** An attempt has ended. */
  forget(handler: AnswerHandler): void {
    this.inFlight.remove(handler);
  }

  /**
   * Fails the attempts whose headers did not come within the timeout, and those whose whole
   * answer did not come within its own deadline (a body trickling without end). The list is in
   * order of start, on a monotonic clock: past the first attempt started within the timeout,
   * none is late.
   */
  private expire(): void {
    const now = performance.now();
    const headersLimit = now - this.timeoutMs;
    const wholeLimit = now - this.wholeAnswerMs;
    this.inFlight.forEach((handler) => {
      if (handler.startedAt > headersLimit) return false;
      if (!handler.hasHeaders) {
        handler.fail(new TransportFailure('timeout', `no answer within ${this.timeoutMs} ms`, 'TIMEOUT', handler.connected));
      } else if (handler.startedAt <= wholeLimit) {
        handler.fail(
          new TransportFailure('timeout', `no whole answer within ${this.wholeAnswerMs} ms`, 'TIMEOUT', handler.connected),
        );
      }
    });
  }

  /** Closes every connection at once; requests in flight fail as aborted. */
  async close(): Promise<void> {
    this.destroyed = true;
    clearInterval(this.watchdog);
    await this.dispatcher.destroy();
  }
}

/**
 * Collects one answer for `send`, as undici's dispatch API hands it over: the status, the raw
 * headers, the body's chunks up to the size limit (past it the request is aborted: an endless
 * or huge answer must not take the runtime's memory, nor overflow a string).
 */
class AnswerHandler implements Dispatcher.DispatchHandler {
  /** When it was dispatched (performance.now(): monotonic, whatever the wall clock does). */
  readonly startedAt = performance.now();
  /** Its links in the transport's list of attempts in flight, and in its signal's. */
  readonly inFlight = new Links<AnswerHandler>();
  readonly onSignal = new Links<AnswerHandler>();
  private abortRequest: ((reason: Error) => void) | undefined;
  private statusCode = 0;
  /** The final answer's headers came (the whole answer's deadline still runs). */
  hasHeaders = false;
  private rawHeaders: Buffer[] = [];
  private readonly chunks: Buffer[] = [];
  private size = 0;
  /** Why the attempt ended before undici ended it (an abort, a timeout, the size limit). */
  private failure: TransportFailure | undefined;
  private settled = false;
  /** The caller's signal's attempts in flight, this one among them (see SignalWatch). */
  private readonly signalWatch: SignalWatch | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly origin: string,
    private readonly resolve: (answer: RawResponse) => void,
    private readonly reject: (failure: TransportFailure) => void,
    private readonly signal: AbortSignal | undefined,
    private readonly takeBytes?: BytesTaker,
  ) {
    if (signal) {
      this.signalWatch = SignalWatch.of(signal);
      this.signalWatch.add(this);
    }
  }

  /** Its caller's signal aborted. */
  abort(): void {
    this.fail(new TransportFailure('aborted', 'aborted', 'ABORTED', this.connected));
  }

  /** Whether the attempt has ended (answered, failed, aborted, timed out). */
  get ended(): boolean {
    return this.settled;
  }

  /** Whether the request was handed to a connection (something may have reached the server). */
  get connected(): boolean {
    return this.abortRequest !== undefined;
  }

  /**
   * Ends the attempt now, whatever undici is doing (connecting, waiting for a tunnel, reading):
   * the caller is answered at once, and the request is aborted as soon as undici allows.
   */
  fail(failure: TransportFailure): void {
    if (this.settled) return;
    this.failure = failure;
    this.settle();
    this.reject(failure);
    this.abortRequest?.(failure);
  }

  onConnect(abort: (reason: Error) => void): void {
    this.abortRequest = abort;
    if (this.failure) abort(this.failure); // ended while it waited for a connection
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx: informational, the answer follows (still within the timeout)
    this.hasHeaders = true;
    this.statusCode = statusCode;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return false;
    this.size += chunk.length;
    if (this.size > this.transport.maxAnswerBytes) {
      this.chunks.length = 0;
      this.fail(
        new TransportFailure(
          'too-large',
          `the answer is larger than ${this.transport.maxAnswerBytes} bytes`,
          'ANSWER_TOO_LARGE',
          true,
        ),
      );
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settle();
    this.transport.answered();
    if (this.takeBytes) {
      const bytes = Buffer.concat(this.chunks);
      if (this.statusCode < 400) {
        this.takeBytes(bytes);
        this.resolve(new RawResponse(this.statusCode, this.rawHeaders, ''));
      } else {
        this.resolve(
          new RawResponse(this.statusCode, this.rawHeaders, bytes.length > ERROR_TEXT_BYTES ? '' : bytes.toString('utf8')),
        );
      }
      return;
    }
    let text: string;
    try {
      const chunks = this.chunks;
      text = chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
    } catch {
      // Past the engine's longest string.
      this.reject(new TransportFailure('too-large', 'the answer is too large to read', 'ANSWER_TOO_LARGE', true));
      return;
    }
    this.resolve(new RawResponse(this.statusCode, this.rawHeaders, text));
  }

  onError(err: Error): void {
    if (this.settled) return; // ended by us: the caller has its answer already
    this.settle();
    this.reject(this.transport.failure(err, this.signal, this.origin));
  }

  private settle(): void {
    this.settled = true;
    this.transport.forget(this);
    this.signalWatch?.remove(this);
  }
}

/**
 * The attempts in flight of one caller's signal, linked through the attempts themselves, behind
 * one 'abort' listener for them all, added when the signal is first seen. A flow's signal (the
 * request node's, shared by every msg) would otherwise have a listener added and removed by
 * every attempt: a few microseconds each with EventTarget, whose removal searches every listener
 * the signal has. Kept in a WeakMap by signal: it goes with its signal.
 */
class SignalWatch {
  private static readonly bySignal = new WeakMap<AbortSignal, SignalWatch>();
  private readonly inFlight = new LinkedList<AnswerHandler>((handler) => handler.onSignal);

  static of(signal: AbortSignal): SignalWatch {
    let watch = SignalWatch.bySignal.get(signal);
    if (watch === undefined) {
      watch = new SignalWatch(signal);
      SignalWatch.bySignal.set(signal, watch);
    }
    return watch;
  }

  private constructor(signal: AbortSignal) {
    signal.addEventListener('abort', () => this.abortAll(), { once: true });
  }

  add(handler: AnswerHandler): void {
    this.inFlight.add(handler);
  }

  remove(handler: AnswerHandler): void {
    this.inFlight.remove(handler);
  }

  /** Each attempt still in flight ends at once, as aborted (failing one takes it out of the list). */
  private abortAll(): void {
    this.inFlight.forEach((handler) => handler.abort());
  }
}

/** Answer headers by lower-case name; a repeated header as a list. `__proto__` stays a plain key. */
function parseHeaders(raw: Buffer[]): AnswerHeaders {
  const headers: AnswerHeaders = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString('latin1').toLowerCase();
    const value = raw[i + 1].toString('latin1');
    const previous = headers[name];
    if (previous === undefined || !Object.prototype.hasOwnProperty.call(headers, name)) {
      if (name === '__proto__')
        Object.defineProperty(headers, name, { value, enumerable: true, configurable: true, writable: true });
      else headers[name] = value;
    } else if (Array.isArray(previous)) {
      previous.push(value);
    } else {
      headers[name] = [previous, value];
    }
  }
  return headers;
}

function proxyFromEnvironment(): boolean {
  const env = process.env;
  return Boolean(env.http_proxy || env.HTTP_PROXY || env.https_proxy || env.HTTPS_PROXY);
}

/** A proxy as a failure names it and recognises it. */
interface ProxyName {
  /** Its URL without user name or password. */
  name: string;
  hostname: string;
  port: number;
}

interface ProxyNames {
  http?: ProxyName;
  https?: ProxyName;
  /** A user name or password is sent to it. */
  withCredentials?: boolean;
}

function proxyNames(http: string | undefined, https: string | undefined, withCredentials: boolean): ProxyNames {
  return { http: proxyName(http), https: proxyName(https), withCredentials };
}

function proxyName(url: string | undefined): ProxyName | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
    return { name: `${parsed.protocol}//${parsed.host}`, hostname: parsed.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return { name: 'from the environment', hostname: '', port: 0 };
  }
}

function hasUserInfo(url: string | undefined): boolean {
  try {
    return url !== undefined && url !== '' && (new URL(url).username !== '' || new URL(url).password !== '');
  } catch {
    return false;
  }
}

/** Basic Proxy-Authorization for a given user name or password; none without either. */
function proxyToken(choice: ProxyChoice): string | undefined {
  if (!choice.user && !choice.password) return undefined;
  return 'Basic ' + Buffer.from(`${choice.user ?? ''}:${choice.password ?? ''}`).toString('base64');
}

/**
 * Whether a connection failure was the proxy's: the address or host name it names is the proxy's
 * (a host listed in no_proxy is reached directly, and its own failure is not the proxy's).
 */
function failedAt(err: unknown, proxy: ProxyName): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const { address, port, hostname } = current as { address?: unknown; port?: unknown; hostname?: unknown };
    if (typeof hostname === 'string' && hostname === proxy.hostname) return true;
    if (port === proxy.port && (address === proxy.hostname || (typeof address === 'string' && isIP(proxy.hostname) === 0)))
      return true;
    const inner = (current as { errors?: unknown[] }).errors;
    current = Array.isArray(inner) && inner.length > 0 ? inner[0] : (current as { cause?: unknown }).cause;
  }
  return false;
}

function errorCode(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // Node reports a refused dual-stack connect as an AggregateError whose errors hold the code.
    const inner = (current as { errors?: unknown[] }).errors;
    current = Array.isArray(inner) && inner.length > 0 ? inner[0] : (current as { cause?: unknown }).cause;
  }
  return 'NETWORK';
}

function networkMessage(err: unknown, code: string): string {
  const text = err instanceof Error && err.message ? err.message : String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused (${text}): is the endpoint right and reachable?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name not found (${text}): check the endpoint and DNS`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `connection closed by the server before a whole answer came (${text})`;
    default:
      return `${text} (${code})`;
  }
}
