/**
 * HTTP transport over undici: one connection pool per client (kept-alive sockets), a timeout per
 * attempt, proxies from the environment the way Node-RED reads them, and every call abortable.
 * It sends exactly the URL, headers and body it is given and reports failures by kind, so the
 * client can decide what is safe to retry.
 */
import { Agent, EnvHttpProxyAgent, ProxyAgent, request, type Dispatcher } from 'undici';

export interface TransportOptions {
  /** Time allowed for one attempt: for the answer's headers, and for each stall of its body. */
  timeoutMs: number;
  /**
   * `undefined`: use `http_proxy`/`https_proxy`/`no_proxy` (lower case first, then upper case),
   * as Node-RED's core nodes do. A URL: always use that proxy. `false`: never use a proxy.
   */
  proxy?: string | false;
  /** Extra trusted CA certificates (PEM), e.g. for a private endpoint. Certificate checks stay on. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** The largest answer read, in bytes: a bigger one fails the attempt (default 64 MiB). */
  maxAnswerBytes?: number;
}

export const DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** `too-large`: an answer over the size limit, which sending again would not change. */
export type FailureKind = 'network' | 'timeout' | 'aborted' | 'too-large';

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
  private readonly timeoutMs: number;
  private readonly maxAnswerBytes: number;
  private destroyed = false;

  constructor(options: TransportOptions) {
    this.timeoutMs = options.timeoutMs;
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    const connect = options.ca ? { ca: options.ca, rejectUnauthorized: true } : { rejectUnauthorized: true };
    if (typeof options.proxy === 'string' && options.proxy !== '') {
      this.dispatcher = new ProxyAgent({ uri: options.proxy, requestTls: connect });
    } else if (options.proxy === undefined && proxyFromEnvironment()) {
      this.dispatcher = new EnvHttpProxyAgent({ connect });
    } else {
      this.dispatcher = new Agent({ connect });
    }
  }

  /**
   * One attempt. Resolves with any HTTP answer; rejects with a TransportFailure. The timeout is
   * undici's own (no headers within it, or a body that stalls for it): no timer or abort
   * controller of ours per request, which measurably costs CPU at hundreds of calls a second.
   */
  async send(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RawResponse> {
    if (signal?.aborted || this.destroyed) throw new TransportFailure('aborted', 'aborted before sending', 'ABORTED', false);
    try {
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal,
        dispatcher: this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const text = await readText(res.body, this.maxAnswerBytes);
      return { statusCode: res.statusCode, headers: res.headers, text };
    } catch (err) {
      if (err instanceof TransportFailure) throw err;
      const code = errorCode(err);
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        throw new TransportFailure('timeout', `no answer within ${this.timeoutMs} ms`, 'TIMEOUT', true, err);
      }
      if (signal?.aborted || this.destroyed) throw new TransportFailure('aborted', 'aborted', 'ABORTED', true, err);
      const reached = !NOT_CONNECTED_CODES.has(code);
      throw new TransportFailure('network', networkMessage(err, code), code, reached, err);
    }
  }

  /** Closes every connection at once; requests in flight fail as aborted. */
  async close(): Promise<void> {
    this.destroyed = true;
    await this.dispatcher.destroy();
  }
}

/**
 * The answer's body as text, up to `maxBytes` (past it the stream is dropped and the attempt
 * fails: an endless or huge answer must not take the runtime's memory, nor overflow a string).
 * Plain 'data' events: undici's body.text() goes through its web-stream consumer, which costs
 * measurably more per call for the small JSON answers of the API.
 */
function readText(body: NodeJS.ReadableStream & { destroy?(): void }, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () =>
      new TransportFailure('too-large', `the answer is larger than ${maxBytes} bytes`, 'ANSWER_TOO_LARGE', true);
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        body.removeAllListeners('data');
        body.destroy?.();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => {
      try {
        resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      } catch {
        reject(tooLarge()); // past the engine's longest string
      }
    });
    body.once('error', reject);
  });
}

function proxyFromEnvironment(): boolean {
  const env = process.env;
  return Boolean(env.http_proxy || env.HTTP_PROXY || env.https_proxy || env.HTTPS_PROXY);
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
