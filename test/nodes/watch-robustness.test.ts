/**
 * ovh-watch where flows, stores and APIs misbehave: a downstream node editing what was sent, a
 * context store failing or never answering, a redeploy without a configured store, a watch moved
 * to another account, a path that can never be sent, answers nested thousands deep, too large,
 * too late or trickling without end.
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
  useSettings,
  watchEvery,
} from '../helpers/node-red';
import { resolveFromNodeRed } from '../helpers/runtime';
import { deepJson, startHostileApi, type HostileApi } from '../helpers/hostile-api';
import { seededStore, silentCalls, silentStore } from '../helpers/context-stores';
import { ApiBase } from '../../nodes/client';

const catchNode = coreNode('common/25-catch.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ovh-watch under misbehaving flows and stores', function () {
  let sim: OvhSimulator;
  useSettings(watchEvery(40));
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
      helper.settings({ ...watchEvery(40), contextStorage: { default: { module: 'memory' } } });
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
      helper.settings(watchEvery(40));
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

describe('ovh-watch against a hostile API and a silent context store', function () {
  this.timeout(30_000);
  let api: HostileApi;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const contextModule = () => require(resolveFromNodeRed('@node-red/runtime/lib/nodes/context'));
  const credentials = { acc: { appKey: 'app', appSecret: 'secret', consumerKey: 'consumer' } };
  /** The store values a test starts with, read by the seeded store when the context module loads. */
  const seeded: Record<string, Record<string, unknown>> = {};

  before(async () => {
    api = await startHostileApi();
    process.on('unhandledRejection', onUnhandled);
    helper.settings({
      ...watchEvery(40),
      contextStorage: {
        default: { module: 'memory' },
        silent: { module: silentStore },
        seeded: { module: seededStore, config: { values: seeded } },
      },
    });
    await helper.startServer();
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    await api.close();
  });
  afterEach(async () => {
    await helper.unload();
    api.calls.length = 0;
    // Nothing a watch did may end in an unhandled rejection (Node-RED exits on one).
    unhandled.splice(0).map(String).should.eql([]);
  });

  /**
   * A watch of the hostile API with a Catch node, deployed once the context stores are loaded
   * (as Node-RED's start does; the test helper does not), so its first check reads them.
   */
  const deployWatch = async (watch: Record<string, unknown>) => {
    await load([{ id: 'flow', type: 'tab', label: 'test' }], {}, [catchNode]);
    await contextModule().load();
    await helper.setFlows(watchFlow({ baseUrl: api.baseUrl } as OvhSimulator, watch), 'full', credentials);
    const caught: Msg[] = [];
    helper.getNode('caught').on('input', (msg: Msg) => caught.push(msg));
    return caught;
  };
  const until = async (condition: () => boolean, what: string, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  };
  const statuses = (id: string) => {
    const texts: string[] = [];
    helper.getNode(id).on('call:status', (call: { args: Array<{ text?: string }> }) => texts.push(String(call.args[0]?.text)));
    return texts;
  };

  it('A GET answering JSON nested 6,000 deep goes to Catch with the reason, and the watch checks again', async () => {
    api.answer = () => ({ body: deepJson(6000) });
    const caught = await deployWatch({ id: 'deep-watch', path: '/deep' });
    const texts = statuses('deep-watch');
    await until(() => caught.length >= 2, 'two failed checks');
    api.calls.length.should.be.aboveOrEqual(2);
    caught[0].error.message.should.match(/GET \/deep failed: the answer \(200\) is JSON nested deeper than 64 levels/);
    caught[0].error.code.should.equal('ANSWER_TOO_DEEP');
    caught[0].ovh.queryId.should.match(/^EU\.hostile\./);
    caught[0].ovh.should.containEql({ event: 'failed', path: '/deep', method: 'GET' });
    await until(() => texts.length > 0, 'a status');
    texts.should.containEql('ovh-watch.status.failed');
  });

  it('An answer larger than the client reads goes to Catch, and the watch checks again', async () => {
    const huge = '[' + '"0123456789abcdef",'.repeat(3_600_000) + '0]'; // about 68 MB, over the 64 MiB the client reads
    api.answer = () => ({ body: huge });
    const caught = await deployWatch({ path: '/huge' });
    await until(() => caught.length >= 2, 'two failed checks', 20_000);
    caught[0].error.message.should.match(/GET \/huge failed: the answer is larger than 67108864 bytes/);
  });

  it('A GET answering later than the account waits goes to Catch, and the watch checks again', async () => {
    api.answer = () => ({ body: '{}', delayMs: 5_000 });
    await load([{ id: 'flow', type: 'tab', label: 'test' }], {}, [catchNode]);
    const flow = watchFlow({ baseUrl: api.baseUrl } as OvhSimulator, { path: '/slow' });
    flow[1].timeout = 0.2;
    await helper.setFlows(flow, 'full', credentials);
    const caught: Msg[] = [];
    helper.getNode('caught').on('input', (msg: Msg) => caught.push(msg));
    await until(() => caught.length >= 2, 'two failed checks', 20_000);
    caught[0].error.message.should.match(/no answer within 200 ms/);
  });

  it('A GET whose answer trickles without end goes to Catch, and the watch checks again', async () => {
    api.answer = () => ({ body: '[]', trickleMs: 50 });
    await load([{ id: 'flow', type: 'tab', label: 'test' }], {}, [catchNode]);
    const flow = watchFlow({ baseUrl: api.baseUrl } as OvhSimulator, { path: '/trickle' });
    flow[1].timeout = 0.3;
    await helper.setFlows(flow, 'full', credentials);
    const caught: Msg[] = [];
    helper.getNode('caught').on('input', (msg: Msg) => caught.push(msg));
    await until(() => caught.length >= 2, 'two failed checks', 25_000);
    caught[0].error.message.should.match(/GET \/trickle failed: no whole answer within 600 ms/);
    caught[0].error.code.should.equal('TIMEOUT');
    caught[0].ovh.should.containEql({ event: 'failed', path: '/trickle' });
    // Each check sent the GET again after its attempts failed.
    api.calls.length.should.be.aboveOrEqual(4);
  });

  it('A remembered value nested 6,000 deep (a store written by hand) fails the comparison to Catch, and the watch goes on', async () => {
    api.answer = () => ({ body: '{"a":1}' });
    let deep: unknown = 1;
    for (let i = 0; i < 6000; i++) deep = { a: deep };
    seeded['kept-deep:flow'] = {
      'ovh-watch': {
        account: new ApiBase(api.baseUrl).baseUrl,
        path: '/value',
        read: 'answer',
        idField: '',
        seen: { kind: 'value', value: { a: deep } },
      },
    };
    const caught = await deployWatch({ id: 'kept-deep', path: '/value', store: 'seeded' });
    await until(() => caught.length >= 2, 'two failed checks');
    caught[0].error.message.should.match(/nests deeper than 64 levels/);
    api.calls.length.should.be.aboveOrEqual(2);
  });

  it('A context store that never answers fails each check to Catch and in the status, and a redeploy keeps no stuck watch', async () => {
    api.answer = () => ({ body: '[]' });
    const caught = await deployWatch({ id: 'silent-watch', path: '/list', store: 'silent' });
    const texts = statuses('silent-watch');
    await until(() => caught.length >= 2, 'two failed checks');
    caught[0].error.message.should.equal('StoreTimeout: ovh-watch.errors.store-timeout');
    caught[0].error.code.should.equal('STORE_TIMEOUT');
    texts.should.containEql('ovh-watch.status.failed');
    // The same watch redeployed: the new one goes on failing at each check, the old one says nothing more.
    const reads = silentCalls.get;
    await helper.setFlows(
      watchFlow({ baseUrl: api.baseUrl } as OvhSimulator, { id: 'silent-watch', path: '/list', store: 'silent', name: 'again' }),
      'full',
      credentials,
    );
    const after: Msg[] = [];
    helper.getNode('caught').on('input', (msg: Msg) => after.push(msg));
    await until(() => after.length >= 2, 'two failed checks after the redeploy');
    silentCalls.get.should.be.above(reads);
  });
});
