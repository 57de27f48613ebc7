/**
 * ovh-watch where flows and stores misbehave: a downstream node editing what was sent, a context
 * store failing, a redeploy without a configured store, a watch moved to another account, a path
 * that can never be sent.
 */
import 'should';
import { OvhSimulator } from '../simulator/simulator';
import {
  accountNode,
  coreNode,
  helper,
  load,
  logLines,
  receive,
  signatureCredentials,
  useRuntime,
  watchFlow,
  type Msg,
} from '../helpers/node-red';
import { resolveFromNodeRed } from '../helpers/runtime';

const catchNode = coreNode('common/25-catch.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ovh-watch under misbehaving flows and stores', function () {
  let sim: OvhSimulator;
  before(() => helper.settings({ ovhWatchIntervalMs: 40 }));
  after(() => helper.settings({}));
  useRuntime((started) => (sim = started));

  const zone = () => sim.data.zones['example.com'];
  let records: typeof sim.data.zones.x.records;
  beforeEach(() => {
    records = zone().records.map((r) => ({ ...r }));
  });
  afterEach(() => {
    zone().records = records;
  });

  const recordsPath = '/domain/zone/example.com/record';
  const listReads = () => sim.count({ method: 'GET', path: /\/domain\/zone\/example\.com\/record$/ });
  const checks = async (n: number, count: () => number = listReads) => {
    const target = count() + n;
    const until = Date.now() + 4000;
    while (count() < target) {
      if (Date.now() > until) throw new Error(`only ${count() - target + n} of ${n} checks came`);
      await sleep(5);
    }
  };

  it('A downstream node that edits msg.payload does not make the watch send the same change again and again', async () => {
    // watch -> function (edits payload in place, as Function/Change nodes commonly do) -> out
    const flow = watchFlow(sim, { path: recordsPath, read: 'objects', sendChanged: true, wires: [['edit']] }, [
      {
        id: 'edit',
        type: 'function',
        z: 'flow',
        x: 200,
        y: 100,
        func: 'msg.payload.target = "edited downstream"; return msg;',
        outputs: 1,
        wires: [['out']],
      },
    ]);
    await load(flow, signatureCredentials(sim), [catchNode, coreNode('function/10-function.js')]);
    const out: Msg[] = [];
    helper.getNode('out').on('input', (msg: Msg) => out.push(msg));
    await checks(1);
    zone().records.find((r) => r.id === 1002)!.target = '198.51.100.7';
    await receive('out');
    await checks(5);
    // One change in the API: one msg. The watch's memory is the very object it sent.
    out.map((m) => m.changes).should.have.length(1);
  });

  it('A context store that fails once when the node starts does not stop the watch for good', async () => {
    // The node's context, failing its first get (a file store not ready, a Redis store reconnecting).
    const NodeProto = require(resolveFromNodeRed('@node-red/runtime/lib/nodes/Node')).prototype;
    const original = NodeProto.context;
    let failed = false;
    NodeProto.context = function (this: { type: string }) {
      const ctx = original.call(this);
      if (this.type !== 'ovh-watch' || failed) return ctx;
      return {
        ...ctx,
        get: (key: string, store: string | undefined, cb: (err: unknown, value?: unknown) => void) => {
          if (!failed) {
            failed = true;
            return cb(new Error('store not ready'));
          }
          return ctx.get(key, store, cb);
        },
        set: ctx.set.bind(ctx),
      };
    };
    try {
      // No Catch node: the failure is logged, where the test can read it whenever it came.
      const flow = watchFlow(sim, { path: recordsPath }).filter((n) => n.type !== 'catch');
      await load(flow, signatureCredentials(sim), [catchNode]);
      await checks(2);
      failed.should.be.true();
      logLines()
        .some((l) => /store not ready/.test(l.text))
        .should.be.true();
      listReads().should.be.above(0); // the next check comes as usual
    } finally {
      NodeProto.context = original;
    }
  });

  it("A watch moved to another account (another endpoint) starts afresh instead of sending the other account's items as new", async () => {
    const other = await OvhSimulator.start();
    try {
      other.data.zones['example.com'].records.push(
        { id: 9001, zone: 'example.com', fieldType: 'A', subDomain: 'x1', target: '192.0.2.1', ttl: 0 },
        { id: 9002, zone: 'example.com', fieldType: 'A', subDomain: 'x2', target: '192.0.2.2', ttl: 0 },
      );
      helper.settings({ ovhWatchIntervalMs: 40, contextStorage: { default: { module: 'memory' } } });
      await load(watchFlow(sim, { id: 'moved', path: recordsPath }), signatureCredentials(sim), [catchNode]);
      // The configured store, as Node-RED's start loads it (the test helper does not): kept across redeploys.
      await require(resolveFromNodeRed('@node-red/runtime/lib/nodes/context')).load();
      await checks(2);
      // Redeploy: the same watch node, now on another account node (another OVHcloud account).
      const flow2 = watchFlow(sim, { id: 'moved', path: recordsPath, account: 'acc2' });
      flow2.push({ ...accountNode(other), id: 'acc2', name: 'other' });
      const creds = { acc2: signatureCredentials(other).acc };
      const out: Msg[] = [];
      await helper.setFlows(flow2, 'full', creds);
      helper.getNode('out').on('input', (msg: Msg) => out.push(msg));
      await checks(3, () => other.count({ method: 'GET', path: /\/record$/ }));
      // sendFirst is off: nothing of the other account's list should be sent.
      out.map((m) => m.payload).should.eql([]);
    } finally {
      helper.settings({ ovhWatchIntervalMs: 40 });
      await other.close();
    }
  });

  it('Nothing lost: an item added while the flow is redeployed is sent (default settings, no contextStorage)', async () => {
    await load(watchFlow(sim, { id: 'redeployed', path: recordsPath }), signatureCredentials(sim), [catchNode]);
    await checks(2);
    // Added between the last check and the redeploy.
    zone().records.push({ id: 5001, zone: 'example.com', fieldType: 'A', subDomain: 'n', target: '192.0.2.9', ttl: 0 });
    const out: Msg[] = [];
    // A full deploy (or the watch edited): Node-RED deletes a closing node's context when no
    // contextStorage is configured, so the watch starts with nothing remembered.
    await helper.setFlows(
      watchFlow(sim, { id: 'redeployed', path: recordsPath, name: 'renamed' }),
      'full',
      signatureCredentials(sim),
    );
    helper.getNode('out').on('input', (msg: Msg) => out.push(msg));
    await checks(3);
    out.map((m) => m.payload).should.eql([5001]);
  });

  it('A path that can never be sent (a ".." segment) is refused at deploy, not sent to Catch at every check', async () => {
    await load(watchFlow(sim, { path: '/domain/zone/../me' }), signatureCredentials(sim), [catchNode]);
    const caughtMsgs: Msg[] = [];
    helper.getNode('caught').on('input', (m: Msg) => caughtMsgs.push(m));
    await sleep(400);
    // ovh-request checks its path template at deploy (pathTemplateError); the watch polls a Catch forever.
    caughtMsgs.length.should.be.below(2);
    logLines()
      .some((l) => /\.\./.test(l.text))
      .should.be.true();
  });
});
