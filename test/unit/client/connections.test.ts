/**
 * The connections a client keeps: as many as its calls in flight, reused, not one more per call
 * that follows an answer at once (each new connection is a TLS handshake to the API).
 */
import http from 'node:http';
import type net from 'node:net';
import 'should';
import { OvhClient } from '../../../nodes/client';

/** An API on loopback that answers everything at once, counting the connections it is given. */
async function countingApi(): Promise<{ baseUrl: string; connections(): number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(req.url?.endsWith('/auth/time') ? String(Math.floor(Date.now() / 1000)) : '{"ok":true}');
  });
  server.on('connection', (socket: net.Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/1.0`,
    connections: () => connections,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('connections', function () {
  this.timeout(20_000);

  for (const concurrency of [1, 8]) {
    it(`${concurrency} call(s) at once, each calling again as soon as answered, use ${concurrency} connection(s)`, async () => {
      const api = await countingApi();
      const client = new OvhClient({ endpoint: api.baseUrl, appKey: 'a', appSecret: 'b', consumerKey: 'c' });
      try {
        let left = 400;
        const loop = async () => {
          while (left-- > 0) (await client.get<{ ok: boolean }>('/me')).should.eql({ ok: true });
        };
        await Promise.all(Array.from({ length: concurrency }, loop));
        // The time call shares the first connection.
        api.connections().should.equal(concurrency);
      } finally {
        await client.close();
        await api.close();
      }
    });
  }
});
