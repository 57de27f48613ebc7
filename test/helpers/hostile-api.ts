/**
 * A small hostile API server on loopback: it answers `/auth/time` as the API does (so signed
 * calls go out), and `/auth/currentCredential` as for a key that never expires (the account's own
 * read of its key, not a call under test), and every other call with whatever the test sets: JSON nested thousands deep,
 * a huge answer, an answer that comes late. It checks no signature: what is tested is what the
 * caller does with the answer.
 */
import http from 'node:http';
import type net from 'node:net';

/** What the server answers to one call (not /auth/time). */
export interface HostileAnswer {
  status?: number;
  /** The answer's text, sent as JSON. */
  body: string;
  /** More answer headers, e.g. `X-Pagination-Elements`. */
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /**
   * Send the headers and the body's first byte at once, then one more byte every this many ms,
   * without end (until the caller hangs up): an answer that never stalls long, and never ends.
   */
  trickleMs?: number;
}

export interface HostileApi {
  /** The base URL to give an account or a client (`http://127.0.0.1:port/1.0`). */
  baseUrl: string;
  /** What every call but /auth/time answers from now on, by request path (and request headers). */
  answer: (path: string, headers: http.IncomingHttpHeaders) => HostileAnswer;
  /** The paths called, in order (without /auth/time and /auth/currentCredential). */
  readonly calls: string[];
  close(): Promise<void>;
}

/** `{"a":{"a":...1...}}`, `depth` objects deep: about 5 bytes a level. */
export function deepJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

export async function startHostileApi(answer: HostileApi['answer'] = () => ({ body: '{}' })): Promise<HostileApi> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const calls: string[] = [];
  const api = { answer } as HostileApi;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    req.resume();
    res.setHeader('X-Ovh-QueryID', 'EU.hostile.' + calls.length);
    if (path.endsWith('/auth/time')) {
      res.setHeader('content-type', 'application/json');
      res.end(String(Math.floor(Date.now() / 1000)));
      return;
    }
    if (path.endsWith('/auth/currentCredential')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'validated', expiration: null }));
      return;
    }
    calls.push(path);
    const { status = 200, body, headers = {}, delayMs = 0, trickleMs } = api.answer(path, req.headers);
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(status, { ...headers, 'content-type': 'application/json' });
      res.end(body);
    };
    const forget = (timer: NodeJS.Timeout) =>
      res.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
    if (trickleMs !== undefined) {
      res.writeHead(status, { ...headers, 'content-type': 'application/json' });
      res.write(body.slice(0, 1));
      const timer = setInterval(() => res.write(' '), trickleMs);
      timers.add(timer);
      forget(timer);
      return;
    }
    if (delayMs <= 0) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, delayMs);
    timers.add(timer);
    forget(timer);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return Object.assign(api, {
    baseUrl: `http://127.0.0.1:${port}/1.0`,
    calls,
    close: () => {
      timers.forEach(clearTimeout);
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
