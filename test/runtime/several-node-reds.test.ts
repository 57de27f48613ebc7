/**
 * Two started Node-REDs with one account, as replicas run it: the same consumer key, whose fair
 * use OVHcloud counts per key, not per process. Together they exceed the key's budget (the
 * simulator's per-key rate limit, answering 429 with Retry-After): every call still gets its
 * answer, and every 429 is followed by the same call sent again no sooner than Retry-After says.
 */
import 'should';
import type { OvhSimulator } from '../simulator/simulator';
import { startSimulator } from '../helpers';
import { deploy, inject, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { accountNode, signatureCredentials } from '../helpers/node-red';

/** Calls each Node-RED makes at once, and the calls per second the key is allowed. */
const CALLS_EACH = 5;
const BUDGET_PER_SECOND = 4;

describe('two Node-REDs sharing one consumer key', function () {
  this.timeout(180_000);
  let sim: OvhSimulator;
  const nodeReds: StartedNodeRed[] = [];
  before(async () => {
    sim = await startSimulator();
    nodeReds.push(...(await Promise.all([startNodeRed(), startNodeRed()])));
  });
  after(async () => {
    await Promise.all(nodeReds.map((n) => n.stop()));
    await sim.close();
  });

  /** A burst of calls, each to its own path (`/echo/a/3`), each answer or failure written to the log. */
  const flow = (who: string) => {
    const at = (y: number) => ({ z: 'flow', x: 200, y });
    return [
      { id: 'flow', type: 'tab', label: who },
      accountNode(sim, { logCalls: 'calls' }),
      { id: 'go', type: 'inject', ...at(40), wires: [['fan']] },
      {
        id: 'fan',
        type: 'function',
        ...at(80),
        func: `for (let n = 1; n <= ${CALLS_EACH}; n++) node.send({ topic: '${who}-' + n, params: { who: '${who}', n } }); return null;`,
        outputs: 1,
        wires: [['req']],
      },
      { id: 'req', type: 'ovh-request', ...at(120), account: 'acc', method: 'GET', path: '/echo/{who}/{n}', wires: [['ok']] },
      {
        id: 'ok',
        type: 'function',
        ...at(160),
        func: "node.warn('CALL-OK ' + msg.topic + ' ' + msg.statusCode); return null;",
        outputs: 1,
        wires: [[]],
      },
      { id: 'catch', type: 'catch', ...at(200), scope: null, uncaught: false, wires: [['failed']] },
      {
        id: 'failed',
        type: 'function',
        ...at(240),
        func: "node.warn('CALL-FAILED ' + msg.topic + ' ' + msg.error.message); return null;",
        outputs: 1,
        wires: [[]],
      },
    ];
  };

  it("answers every call when together they exceed the key's budget, each 429 retried after its Retry-After", async () => {
    const key = sim.addConsumerKey();
    await deploy(nodeReds[0], flow('a'), signatureCredentials(sim, key));
    await deploy(nodeReds[1], flow('b'), signatureCredentials(sim, key));
    // Both start their burst at once; each would be within the budget alone.
    sim.rateLimitPerSecond = BUDGET_PER_SECOND;
    await Promise.all(nodeReds.map((n) => inject(n, 'go')));

    const output = () => nodeReds.map((n) => n.output.join('')).join('\n');
    const answered = () => [...output().matchAll(/CALL-(OK|FAILED) ([ab]-\d+)/g)];
    const deadline = Date.now() + 60_000;
    while (answered().length < 2 * CALLS_EACH) {
      if (Date.now() > deadline) throw new Error(`not every call came back:\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // No call lost: each answered, once, with its answer.
    answered()
      .map((m) => `${m[1]} ${m[2]}`)
      .sort()
      .should.eql([...['a', 'b'].flatMap((who) => Array.from({ length: CALLS_EACH }, (_, i) => `OK ${who}-${i + 1}`))].sort());

    // Together they were over the budget: some calls were refused, then sent again.
    const calls = sim.received({ path: /^\/1\.0\/echo\/[ab]\/\d+$/ });
    const refused = calls.filter((r) => r.status === 429);
    refused.length.should.be.above(0);
    // Each 429 is followed by the same call, no sooner than its Retry-After (1 s), and the last answer is 200.
    for (const path of new Set(calls.map((r) => r.path))) {
      const tries = calls.filter((r) => r.path === path);
      tries[tries.length - 1].status!.should.equal(200, path);
      for (let i = 1; i < tries.length; i++) {
        tries[i - 1].status!.should.equal(429, path);
        (tries[i].receivedAt - tries[i - 1].receivedAt).should.be.aboveOrEqual(990, `${path}: sent again too soon`);
      }
    }
  });
});
