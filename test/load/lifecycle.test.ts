/**
 * Redeploy and stop with calls in flight, and clock skew through the node.
 */
import 'should';
import { OvhSimulator } from '../simulator/simulator';
import { helper, load, receive, requestFlow, signatureCredentials, useRuntime, watchCompletions } from '../helpers/node-red';

const IN_FLIGHT = 500;

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('lifecycle', function () {
  this.timeout(60_000);
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));
  afterEach(() => (sim.skewSec = 0));

  for (const how of ['redeploy', 'stop'] as const) {
    it(`${how} with ${IN_FLIGHT} calls in flight: every msg ends with done, nothing is sent after, no socket or timer is left`, async () => {
      await load(requestFlow(sim, { path: '/me' }), signatureCredentials(sim));
      const warm = receive('out');
      helper.getNode('req').receive({});
      await warm;
      await new Promise((r) => setTimeout(r, 50));
      const timersBefore = activeTimers();
      sim.resetCounters();
      sim.injectFault({ kind: 'slow', path: '/1.0/me', delayMs: 20_000, count: IN_FLIGHT });
      const completions = watchCompletions();
      try {
        for (let i = 0; i < IN_FLIGHT; i++) helper.getNode('req').receive({ _msgid: `m${i}` });
        for (let waited = 0; sim.count({ path: '/1.0/me' }) < IN_FLIGHT && waited < 10_000; waited += 50) {
          await new Promise((r) => setTimeout(r, 50));
        }
        sim.count({ path: '/1.0/me' }).should.equal(IN_FLIGHT);

        const started = Date.now();
        if (how === 'redeploy') {
          // A full redeploy: the same flow again, so every node is stopped and started anew.
          await helper.setFlows(requestFlow(sim, { path: '/me' }), 'full', signatureCredentials(sim));
        } else {
          await helper.unload();
        }
        (Date.now() - started).should.be.below(5000);
        completions.events.length.should.equal(IN_FLIGHT);
        new Set(completions.events.map((e) => e.msgid)).size.should.equal(IN_FLIGHT);
        completions.events.every((e) => e.error instanceof Error).should.be.true();

        await new Promise((r) => setTimeout(r, 300));
        sim.count({ path: '/1.0/me' }).should.equal(IN_FLIGHT); // nothing sent after close
        sim.openConnections.should.equal(0);
        activeTimers().should.be.belowOrEqual(timersBefore);
      } finally {
        completions.stop();
      }
    });
  }

  for (const skew of [3600, -3600]) {
    it(`works at the first message with the server clock ${skew > 0 ? 'ahead' : 'behind'} by an hour, and recovers when it moves`, async () => {
      sim.skewSec = skew;
      await load(requestFlow(sim, { path: '/me' }), signatureCredentials(sim));
      sim.resetCounters();
      const first = receive('out');
      helper.getNode('req').receive({});
      (await first)[0].statusCode.should.equal(200);
      sim.skewSec = -skew; // the clock jumps by two hours mid-run
      const next = receive('out', 10);
      for (let i = 0; i < 10; i++) helper.getNode('req').receive({});
      (await next).every((m) => m.statusCode === 200).should.be.true();
      sim.count({ path: '/1.0/auth/time' }).should.equal(2);
    });
  }
});
