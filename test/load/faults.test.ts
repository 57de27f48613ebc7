/**
 * Load with faults through one ovh-request node in the real runtime: 20,000 messages, 200 in
 * flight, with the simulator answering about 5 % 500s, 2 % 429s with Retry-After, 1 % reset
 * connections and 1 % answers slower than the timeout. Bounded in count and time; loopback only.
 */
import 'should';
import { OvhSimulator, type RecordedRequest } from '../simulator/simulator';
import { helper, load, logLines, requestFlow, signatureCredentials, useRuntime, type Msg } from '../helpers/node-red';

const MESSAGES = 20_000;
const IN_FLIGHT = 200;
const WARMUP = 2_000;

declare const gc: (() => void) | undefined;

function heapAfterGc(): number {
  if (typeof gc !== 'function') throw new Error('run mocha with --expose-gc (see .mocharc.json)');
  // The test helper's sinon spies keep the arguments of every call (every msg): forget them,
  // so what is measured is what the runtime and these nodes keep.
  checkLogs();
  helper._sandbox.resetHistory();
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Log lines above info seen so far (failures go to Catch, so there should be none). */
const logProblems: string[] = [];
function checkLogs(): void {
  for (const line of logLines().filter((l) => l.level <= 30 && l.type?.startsWith('ovh-'))) logProblems.push(line.text);
}

describe('load with faults', function () {
  this.timeout(300_000);
  let sim: OvhSimulator;
  const problems: string[] = [];
  const onUnhandled = (reason: unknown) => problems.push(`unhandled rejection: ${String(reason)}`);
  const onWarning = (warning: Error) => problems.push(`warning: ${warning.name}: ${warning.message}`);

  useRuntime((started) => (sim = started));
  before(() => {
    process.on('unhandledRejection', onUnhandled);
    process.on('warning', onWarning);
  });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
    process.off('warning', onWarning);
  });

  it(`delivers each of ${MESSAGES} messages exactly once, never sends a POST twice, and keeps memory flat`, async () => {
    await load(requestFlow(sim, { method: 'msg', path: '/echo/{id}' }, { timeout: 1 }), signatureCredentials(sim));
    sim.recordRequests = false;
    const received = new Map<string, number>(); // "METHOD id" -> requests the server received
    sim.onReceived = (r: RecordedRequest) => {
      const id = /^\/1\.0\/echo\/(\d+)$/.exec(r.path)?.[1];
      if (id) received.set(`${r.method} ${id}`, (received.get(`${r.method} ${id}`) ?? 0) + 1);
    };

    const left = new Map<number, number>(); // msg id -> times it left the node
    let answered = 0;
    let caught = 0;
    let sent = 0;
    let finished = 0;
    let target = 0;
    let runDone: () => void = () => {};
    const request = helper.getNode('req');
    /** Keeps IN_FLIGHT messages inside the node until `target` have been sent. */
    const pump = () => {
      while (sent < target && sent - finished < IN_FLIGHT) {
        const id = sent++;
        const method = id % 5 === 0 ? 'POST' : 'GET';
        request.receive({ method, params: { id }, payload: method === 'POST' ? { id, note: 'héllo ✓' } : undefined });
      }
    };
    const onLeave = (kind: 'answered' | 'caught') => (msg: Msg) => {
      const id = msg.params.id as number;
      left.set(id, (left.get(id) ?? 0) + 1);
      if (kind === 'answered') answered++;
      else caught++;
      finished++;
      if (finished === target) runDone();
      else pump();
    };
    helper.getNode('out').on('input', onLeave('answered'));
    helper.getNode('caught').on('input', onLeave('caught'));
    const run = (count: number) =>
      new Promise<void>((resolve) => {
        target += count;
        runDone = resolve;
        pump();
      });

    // A warm-up without faults, then the measured run with them.
    await run(WARMUP);
    const answeredInWarmup = answered;
    const heapBefore = heapAfterGc();
    sim.setFaultRates({ status500: 0.05, status429: 0.02, retryAfter: '1', reset: 0.01, slow: 0.01, slowMs: 2500, seed: 7 });
    const started = Date.now();
    await run(MESSAGES);
    const seconds = (Date.now() - started) / 1000;
    sim.setFaultRates(undefined);
    await new Promise((r) => setTimeout(r, 2600)); // slow answers still on their way
    const heapAfter = heapAfterGc();

    // Every message left exactly once.
    left.size.should.equal(WARMUP + MESSAGES);
    [...left.values()].every((n) => n === 1).should.be.true();
    (answered + caught).should.equal(WARMUP + MESSAGES);
    // No POST reached the server twice; GET retries stayed within three attempts.
    for (const [key, count] of received) {
      if (key.startsWith('POST')) count.should.be.belowOrEqual(1, key);
      else count.should.be.belowOrEqual(3, key);
    }
    // Retries turned most faults into answers: only about 0.3 % of GETs fail three times in a row.
    caught.should.be.above(0);
    caught.should.be.below(MESSAGES * 0.08);
    // Memory does not grow with the messages.
    const growthMb = (heapAfter - heapBefore) / 1024 / 1024;
    growthMb.should.be.below(25, `heap grew by ${growthMb.toFixed(1)} MB`);
    // Nothing unhandled, no warning, and no log line above info (failures went to Catch).
    problems.should.eql([]);
    logProblems.should.eql([]);
    console.log(
      `      ${MESSAGES} messages in ${seconds.toFixed(1)} s: ${answered - answeredInWarmup} answered, ${caught} to Catch, heap ${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)} MB`,
    );
  });
});
