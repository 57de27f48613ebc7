/**
 * Servers that stall where undici's own timeouts do not look: while connecting (a TLS handshake
 * never answered, a proxy tunnel never opened), with 1xx answers that never end, with a body that
 * trickles a byte at a time and never ends, during a clock re-sync. Every call ends on time, or as
 * soon as its caller aborts.
 */
import { getEventListeners } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import 'should';
import { OvhAbortError, OvhClient, OvhTimeoutError } from '../../../nodes/client';
import { OvhSimulator } from '../../simulator/simulator';
import { clientFor, rejection, startSimulator } from '../../helpers';
import { selfSignedCertificate } from '../../helpers/tls';
import { startHostileApi, type HostileApi } from '../../helpers/hostile-api';

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

  describe('an answer that trickles without end', () => {
    let api: HostileApi;
    before(async () => {
      // The headers at once, then a byte every 150 ms: no stall ever reaches the timeout.
      api = await startHostileApi(() => ({ body: '[1]', trickleMs: 150 }));
    });
    after(() => api.close());
    afterEach(() => {
      api.calls.length = 0;
    });
    const hostileClient = (retry: Record<string, unknown>) =>
      client(api.baseUrl, { appKey: 'a', appSecret: 'b', consumerKey: 'c', timeoutMs: 800, retry });

    it('fails the attempt with the timeout error once the whole answer is twice the timeout late', async () => {
      const started = Date.now();
      const err = (await rejection(hostileClient({ maxAttempts: 1 }).get('/trickle'))) as unknown as OvhTimeoutError;
      const took = Date.now() - started;
      err.should.be.instanceOf(OvhTimeoutError);
      err.code.should.equal('TIMEOUT');
      err.message.should.equal('GET /trickle failed: no whole answer within 1600 ms');
      // Twice the timeout, checked by a watchdog ticking every quarter of it (the machine is loaded).
      took.should.be.within(1_500, 4_000);
      api.calls.should.eql(['/1.0/trickle']);
    });

    it('tries a GET again, as after any timeout', async () => {
      const err = await rejection(hostileClient({ maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }).get('/trickle'));
      err.should.be.instanceOf(OvhTimeoutError);
      (err as unknown as OvhTimeoutError).attempts.should.equal(2);
      api.calls.should.eql(['/1.0/trickle', '/1.0/trickle']);
    });

    it('ends every attempt past its deadline on the same watchdog tick, however many are in flight', async () => {
      // 20 trickling answers at once, on warm connections: the watchdog (a tick every quarter of
      // the timeout) must end them all when their whole-answer deadline passes, not one a tick.
      api.answer = (path) => (path.endsWith('/quick') ? { body: '1' } : { body: '[1]', trickleMs: 50 });
      try {
        const c = client(api.baseUrl, {
          appKey: 'a',
          appSecret: 'b',
          consumerKey: 'c',
          timeoutMs: 300,
          retry: { maxAttempts: 1 },
        });
        await Promise.all(Array.from({ length: 20 }, () => c.get('/quick')));
        const started = Date.now();
        const ends = await Promise.all(
          Array.from({ length: 20 }, () => rejection(c.get('/trickle')).then((err) => ({ err, at: Date.now() - started }))),
        );
        for (const { err } of ends) err.message.should.equal('GET /trickle failed: no whole answer within 600 ms');
        // All within a few ticks of 600 ms; one a tick (75 ms) would take past 2 s.
        Math.max(...ends.map((end) => end.at)).should.be.within(550, 1_500);
      } finally {
        api.answer = () => ({ body: '[1]', trickleMs: 150 });
      }
    });

    it('never sends again a POST that reached the server', async () => {
      const err = await rejection(hostileClient({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }).post('/trickle', { a: 1 }));
      err.should.be.instanceOf(OvhTimeoutError);
      err.message.should.equal('POST /trickle failed: no whole answer within 1600 ms');
      api.calls.should.eql(['/1.0/trickle']);
    });
  });

  describe('a signal shared by many calls, as a flow node shares its own', () => {
    let api: HostileApi;
    before(async () => {
      api = await startHostileApi(() => ({ body: '{}', delayMs: 10_000 }));
    });
    after(() => api.close());

    it('has one abort listener however many calls are in flight, and aborting it ends them all at once', async () => {
      const c = client(api.baseUrl, { appKey: 'a', appSecret: 'b', consumerKey: 'c' });
      await c.serverTime(); // the clock synced: the calls below go straight to the transport
      const caller = new AbortController();
      const calls = Array.from({ length: 20 }, () => rejection(c.get('/slow', { signal: caller.signal })));
      while (api.calls.length < 20) await new Promise((resolve) => setTimeout(resolve, 10));
      getEventListeners(caller.signal, 'abort').length.should.equal(1);
      const started = Date.now();
      caller.abort();
      for (const err of await Promise.all(calls)) {
        err.should.be.instanceOf(OvhAbortError);
        err.message.should.equal('GET /slow: The call was aborted');
      }
      (Date.now() - started).should.be.below(1_000);
    });
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
