import 'should';
import { OvhAbortError, OvhClient, OvhError } from '../../../nodes/client';
import { OvhSimulator } from '../../simulator/simulator';
import { clientFor, rejection, startSimulator } from '../../helpers';

describe('account limits', function () {
  this.timeout(30_000);
  let sim: OvhSimulator;
  const clients: OvhClient[] = [];
  const client = (limits: Record<string, number>, extra: Record<string, unknown> = {}) => {
    const c = clientFor(sim, { limits, ...extra });
    clients.push(c);
    return c;
  };

  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());
  beforeEach(() => sim.resetCounters());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('caps the calls in flight and queues the rest in order', async () => {
    const c = client({ maxInFlight: 2 });
    await c.get('/me');
    sim.resetCounters();
    sim.injectFault({ kind: 'slow', path: '/1.0/echo', delayMs: 200, count: 6 });
    const order: number[] = [];
    const calls = Array.from({ length: 6 }, (_v, i) => c.get(`/echo/${i}`).then(() => order.push(i)));
    await new Promise((r) => setImmediate(r));
    c.queued.should.equal(4);
    await Promise.all(calls);
    order.should.eql([0, 1, 2, 3, 4, 5]);
    const times = sim.received({ path: /^\/1\.0\/echo\// }).map((r) => r.receivedAt);
    (times[5] - times[0]).should.be.aboveOrEqual(380); // three waves of two, 200 ms each
  });

  it('holds a rate of calls per second, measured by the server', async () => {
    const c = client({ ratePerSecond: 20 });
    await c.get('/me');
    sim.resetCounters();
    await Promise.all(Array.from({ length: 30 }, (_v, i) => c.get(`/echo/${i}`)));
    const times = sim
      .received({ path: /^\/1\.0\/echo\// })
      .map((r) => r.receivedAt)
      .sort((a, b) => a - b);
    times.length.should.equal(30);
    (times[29] - times[0]).should.be.aboveOrEqual(29 * 50 - 30);
    for (let i = 0; i < times.length; i++) {
      times.filter((t) => t >= times[i] && t < times[i] + 1000).length.should.be.belowOrEqual(21);
    }
  });

  it('turns the 429s of a rate-limited account into waiting', async () => {
    sim.rateLimitPerSecond = 20;
    const unlimited = client({}, { retry: { maxAttempts: 1 } });
    await unlimited.get('/me');
    const burst = await Promise.allSettled(Array.from({ length: 40 }, () => unlimited.get('/me')));
    const refused = burst.filter((r) => r.status === 'rejected').length;
    refused.should.be.above(10);

    await new Promise((r) => setTimeout(r, 1100));
    sim.resetCounters();
    sim.rateLimitPerSecond = 20;
    const limited = client({ ratePerSecond: 15 }, { retry: { maxAttempts: 1 } });
    const calm = await Promise.allSettled(Array.from({ length: 40 }, () => limited.get('/me')));
    calm.filter((r) => r.status === 'rejected').length.should.equal(0);
    sim
      .received()
      .filter((r) => r.status === 429)
      .length.should.equal(0);
  });

  it('refuses calls at once when the queue is full', async () => {
    const c = client({ maxInFlight: 1, maxQueue: 2 });
    await c.get('/me');
    sim.injectFault({ kind: 'slow', path: '/1.0/echo', delayMs: 200, count: 3 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_v, i) => c.get(`/echo/${i}`)));
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    refused.length.should.equal(2);
    refused.every((r) => r.reason instanceof OvhError && r.reason.code === 'QUEUE_FULL').should.be.true();
    refused[0].reason.message.should.match(/Too many calls waiting for this OVHcloud account \(2 queued\)/);
    sim.count({ path: /^\/1\.0\/echo\// }).should.equal(3);
  });

  it('ends queued calls when the client closes, sending none of them', async () => {
    const c = client({ maxInFlight: 1 });
    await c.get('/me');
    sim.resetCounters();
    sim.injectFault({ kind: 'slow', path: '/1.0/echo', delayMs: 500 });
    const calls = Array.from({ length: 5 }, (_v, i) => rejection(c.get(`/echo/${i}`)));
    await new Promise((r) => setTimeout(r, 50));
    await c.close();
    (await Promise.all(calls)).every((e) => e instanceof OvhAbortError).should.be.true();
    await new Promise((r) => setTimeout(r, 100));
    sim.count({ path: /^\/1\.0\/echo\// }).should.equal(1);
  });

  it('rejects a call aborted while queued with an OvhAbortError naming it', async () => {
    const c = client({ maxInFlight: 1 });
    await c.get('/me');
    sim.injectFault({ kind: 'slow', path: '/1.0/echo', delayMs: 300, count: 1 });
    const first = c.get('/echo/first');
    const caller = new AbortController();
    const queued = rejection(c.get('/echo/{id}', { params: { id: 'queued' }, signal: caller.signal }));
    await new Promise((r) => setImmediate(r));
    c.queued.should.equal(1);
    caller.abort();
    const err = await queued;
    err.should.be.instanceOf(OvhAbortError);
    err.message.should.equal('GET /echo/{id}: The call was aborted');
    await first;

    const closing = client({ maxInFlight: 1 });
    await closing.get('/me');
    sim.injectFault({ kind: 'slow', path: '/1.0/echo', delayMs: 300, count: 1 });
    void closing.get('/echo/first').catch(() => undefined);
    const waiting = rejection(closing.get('/echo/second'));
    await new Promise((r) => setImmediate(r));
    await closing.close();
    const closed = await waiting;
    closed.should.be.instanceOf(OvhAbortError);
    closed.message.should.equal('GET /echo/second: The OVHcloud client was closed');
  });
});
