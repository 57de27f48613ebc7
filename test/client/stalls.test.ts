/**
 * Servers that stall where undici's own timeouts do not look: while connecting (a TLS handshake
 * never answered, a proxy tunnel never opened), with 1xx answers that never end, during a clock
 * re-sync. Every call ends on time, or as soon as its caller aborts.
 */
import http from 'node:http';
import net from 'node:net';
import 'should';
import { OvhAbortError, OvhClient, OvhTimeoutError } from '../../nodes/client';
import { OvhSimulator } from '../simulator/simulator';
import { clientFor, rejection, startSimulator } from '../helpers';
import { selfSignedCertificate } from '../helpers/tls';

/** A TCP server that takes connections and never says a word (a TLS handshake never answered). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('stalled servers', function () {
  this.timeout(20_000);
  const clients: OvhClient[] = [];
  const cert = selfSignedCertificate().cert;
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  const client = (endpoint: string, extra: Record<string, unknown> = {}) => {
    const c = new OvhClient({ endpoint, ca: cert, timeoutMs: 5_000, retry: { maxAttempts: 1 }, ...extra });
    clients.push(c);
    return c;
  };

  it('ends a call at once when its caller aborts while the connection is being made', async () => {
    const silent = await silentServer();
    try {
      const caller = new AbortController();
      const started = Date.now();
      const pending = rejection(client(`https://127.0.0.1:${silent.port}/1.0`).describeApi('1.0', undefined, caller.signal));
      setTimeout(() => caller.abort(), 200);
      const err = await pending;
      err.should.be.instanceOf(OvhAbortError);
      err.message.should.equal('GET /1.0/: The call was aborted');
      (Date.now() - started).should.be.below(1_500);
    } finally {
      await silent.close();
    }
  });

  it('times out a connection that never completes, within the timeout, not the system one', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const err = await rejection(client(`https://127.0.0.1:${silent.port}/1.0`, { timeoutMs: 800 }).describeApi('1.0'));
      err.should.be.instanceOf(OvhTimeoutError);
      (Date.now() - started).should.be.below(3_000);
    } finally {
      await silent.close();
    }
  });

  it('times out a server that answers 1xx forever', async () => {
    const server = http.createServer();
    const timers = new Set<NodeJS.Timeout>();
    server.on('request', (_req, res) => {
      const timer = setInterval(() => res.writeEarlyHints({ link: '</x>; rel=preload' }), 150);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const port = (server.address() as net.AddressInfo).port;
      const err = await rejection(client(`http://127.0.0.1:${port}/1.0`, { timeoutMs: 800 }).describeApi('1.0'));
      err.should.be.instanceOf(OvhTimeoutError);
      (Date.now() - started).should.be.below(3_000);
    } finally {
      timers.forEach(clearInterval);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('clock re-sync', () => {
    let sim: OvhSimulator;
    before(async () => {
      sim = await startSimulator();
    });
    after(() => sim.close());

    it('ends a call waiting for a re-sync as soon as its caller aborts', async () => {
      const c = clientFor(sim);
      clients.push(c);
      await c.get('/me');
      sim.timeWindowSec = -1; // every timestamp refused: the call asks for a re-sync
      sim.injectFault({ kind: 'slow', path: '/1.0/auth/time', delayMs: 4_000 });
      try {
        const caller = new AbortController();
        const started = Date.now();
        const pending = rejection(c.get('/me', { signal: caller.signal }));
        setTimeout(() => caller.abort(), 300);
        const err = await pending;
        err.should.be.instanceOf(OvhAbortError);
        err.message.should.equal('GET /me: The call was aborted');
        (Date.now() - started).should.be.below(2_000);
      } finally {
        sim.timeWindowSec = 30;
      }
    });
  });
});
