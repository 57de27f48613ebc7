/**
 * A real HTTP proxy (npm `proxy`, the one many HTTP clients test against), with a recorder in
 * front of it: every byte it receives, every CONNECT (target and headers) and every plain request
 * it was asked to forward. Optionally it asks for a user name and password (407).
 */
import http from 'node:http';
import net from 'node:net';
const { createProxy } = require('proxy') as {
  createProxy(server: http.Server): http.Server & { authenticate?: (req: http.IncomingMessage) => boolean };
};

export interface RecordingProxy {
  /** `http://127.0.0.1:PORT`: the recorder, which hands every byte to the proxy. */
  url: string;
  /** Each CONNECT: its target (`host:port`) and headers. */
  connects: Array<{ target: string; headers: http.IncomingHttpHeaders }>;
  /** Each request it was asked to forward in the clear (never wanted). */
  plainRequests: Array<{ method: string; url: string }>;
  /** Everything it received, as text (the tunnels' TLS bytes included). */
  received(): string;
  reset(): void;
  close(): Promise<void>;
}

export async function startRecordingProxy(auth?: { user: string; password: string }): Promise<RecordingProxy> {
  const connects: RecordingProxy['connects'] = [];
  const plainRequests: RecordingProxy['plainRequests'] = [];
  let chunks: Buffer[] = [];
  const proxy = createProxy(http.createServer());
  if (auth) {
    const expected = 'Basic ' + Buffer.from(`${auth.user}:${auth.password}`).toString('base64');
    proxy.authenticate = (req) => req.headers['proxy-authorization'] === expected;
  }
  proxy.on('connect', (req: http.IncomingMessage) => connects.push({ target: req.url ?? '', headers: req.headers }));
  proxy.on('request', (req: http.IncomingMessage) => plainRequests.push({ method: req.method ?? '', url: req.url ?? '' }));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyPort = (proxy.address() as net.AddressInfo).port;

  // The recorder: a plain TCP relay that keeps a copy of what the client sends.
  const sockets = new Set<net.Socket>();
  const recorder = net.createServer((client) => {
    const upstream = net.connect(proxyPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(recorder.address() as net.AddressInfo).port}`,
    connects,
    plainRequests,
    received: () => Buffer.concat(chunks).toString('latin1'),
    reset() {
      connects.length = 0;
      plainRequests.length = 0;
      chunks = [];
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      proxy.closeAllConnections();
      await Promise.all([new Promise((resolve) => recorder.close(resolve)), new Promise((resolve) => proxy.close(resolve))]);
    },
  };
}

/** A URL where nothing listens: a port taken, then freed. */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
