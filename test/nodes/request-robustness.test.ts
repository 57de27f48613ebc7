/**
 * ovh-request against a hostile API and a context store that never answers, in the runtime:
 * every msg reaches Catch with the reason (an answer nested thousands deep, too large, too
 * late, trickling without end; a row or a condition reading a silent store), and nothing ends in an unhandled rejection.
 */
import 'should';
import type { OvhSimulator } from '../simulator/simulator';
import { coreNode, helper, load, receive, requestFlow, type Msg } from '../helpers/node-red';
import { resolveFromNodeRed } from '../helpers/runtime';
import { deepJson, startHostileApi, type HostileApi } from '../helpers/hostile-api';
import { silentStore } from '../helpers/context-stores';
import { OvhAnswerError, OvhClient } from '../../nodes/client';
import { readSettings } from '../../nodes/calls/settings';
import { runSequence, type MsgCall } from '../../nodes/calls/modes';

const catchNode = coreNode('common/25-catch.js');

describe('ovh-request against a hostile API and a silent context store', function () {
  this.timeout(30_000);
  let api: HostileApi;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const credentials = { acc: { appKey: 'app', appSecret: 'secret', consumerKey: 'consumer' } };

  before(async () => {
    api = await startHostileApi();
    process.on('unhandledRejection', onUnhandled);
    helper.settings({
      ovhStoreDeadlineMs: 150,
      contextStorage: { default: { module: 'memory' }, silent: { module: silentStore } },
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
    // Nothing a msg met may end in an unhandled rejection (Node-RED exits on one).
    unhandled.splice(0).map(String).should.eql([]);
  });

  /** One msg through a request node of the hostile API: what Catch got. */
  const caughtFor = async (request: Record<string, unknown>, account: Record<string, unknown> = {}): Promise<Msg> => {
    await load(requestFlow({ baseUrl: api.baseUrl } as OvhSimulator, request, account), credentials, [catchNode]);
    // The configured stores, as Node-RED's start loads them (the test helper does not).
    await require(resolveFromNodeRed('@node-red/runtime/lib/nodes/context')).load();
    const caught = receive('caught', 1, 20_000);
    helper.getNode('req').receive({ payload: 'go' });
    return (await caught)[0];
  };

  it('an answer nested 6,000 deep goes to Catch, naming the call and its query id', async () => {
    api.answer = () => ({ body: deepJson(6000) });
    const msg = await caughtFor({ path: '/deep' });
    msg.error.message.should.match(/GET \/deep failed: the answer \(200\) is JSON nested deeper than 64 levels/);
    msg.error.code.should.equal('ANSWER_TOO_DEEP');
    msg.ovh.queryId.should.match(/^EU\.hostile\./);
    msg.statusCode.should.equal(200);
    api.calls.should.have.length(1);
  });

  it('an answer larger than the client reads goes to Catch', async () => {
    api.answer = () => ({ body: '[' + '"0123456789abcdef",'.repeat(3_600_000) + '0]' });
    const msg = await caughtFor({ path: '/huge' });
    msg.error.message.should.match(/GET \/huge failed: the answer is larger than 67108864 bytes/);
  });

  it('an answer later than the account waits goes to Catch', async () => {
    api.answer = () => ({ body: '{}', delayMs: 5_000 });
    const msg = await caughtFor({ path: '/slow' }, { timeout: 0.2 });
    msg.error.message.should.match(/GET \/slow failed: no answer within 200 ms/);
  });

  it('an answer that trickles without end goes to Catch once twice the timeout has passed, after the retries of a GET', async () => {
    api.answer = () => ({ body: '{}', trickleMs: 50 });
    const started = Date.now();
    const msg = await caughtFor({ path: '/trickle' }, { timeout: 0.3 });
    msg.error.message.should.match(/GET \/trickle failed: no whole answer within 600 ms/);
    msg.error.code.should.equal('TIMEOUT');
    // Three attempts of at most 600 ms (and a watchdog tick), with backoff between them.
    (Date.now() - started).should.be.below(12_000);
    api.calls.should.eql(['/1.0/trickle', '/1.0/trickle', '/1.0/trickle']);
  });

  it('a POST whose answer trickles without end goes to Catch and is never sent again', async () => {
    api.answer = () => ({ body: '{}', trickleMs: 50 });
    const msg = await caughtFor({ method: 'POST', path: '/trickle', body: 'none' }, { timeout: 0.3 });
    msg.error.message.should.match(/POST \/trickle failed: no whole answer within 600 ms/);
    api.calls.should.eql(['/1.0/trickle']);
  });

  describe('a page of 300,000 objects', () => {
    /** Objects `{id}` from `from`, `count` of them, as JSON text. */
    const objects = (from: number, count: number) => JSON.stringify(Array.from({ length: count }, (_, i) => ({ id: from + i })));
    let firstPage: string;
    let bigPage: string;
    before(() => {
      firstPage = objects(0, 5_000);
      bigPage = objects(5_000, 300_000);
    });

    /** What one msg through a request node of the hostile API came to: its answer, or what Catch got. */
    const outcomeOf = async (request: Record<string, unknown>): Promise<{ out?: Msg; caught?: Msg }> => {
      await load(requestFlow({ baseUrl: api.baseUrl } as OvhSimulator, request), credentials, [catchNode]);
      const outcome = Promise.race([
        receive('out', 1, 25_000).then(([out]) => ({ out })),
        receive('caught', 1, 25_000).then(([caught]) => ({ caught })),
      ]);
      helper.getNode('req').receive({ payload: 'go' });
      return outcome;
    };

    it('expand reads a second page of 300,000 objects into one answer', async () => {
      api.answer = (_path, headers) =>
        headers['x-pagination-number'] === '1'
          ? { body: firstPage, headers: { 'X-Pagination-Elements': '305000' } }
          : { body: bigPage, headers: { 'X-Pagination-Elements': '305000' } };
      const { out, caught } = await outcomeOf({ path: '/objects', mode: 'expand' });
      (caught?.error.message === undefined).should.be.true(`went to Catch: ${caught?.error.message}`);
      out!.payload.should.have.length(305_000);
      out!.payload[304_999].should.eql({ id: 304_999 });
      out!.ovh.pages.should.equal(2);
    });

    it('a failure while an answer is handled names the call, its status and query id, not a bare RangeError', async () => {
      api.answer = () => ({ body: bigPage });
      const client = new OvhClient({ endpoint: api.baseUrl, appKey: 'a', appSecret: 'b', consumerKey: 'c' });
      try {
        const settings = readSettings({ mode: 'pages', path: '/objects/{kind}' });
        const run: MsgCall = {
          settings,
          signal: new AbortController().signal,
          // The node's status hearing of the page fails, as the engine fails on what is too large.
          answered: () => {
            throw new RangeError('Maximum call stack size exceeded');
          },
          text: (key) => key,
          client,
          call: { method: 'GET', path: settings.path, params: { kind: 'big' } },
        };
        let err: unknown;
        try {
          for await (const step of runSequence(run)) step.should.not.be.ok();
        } catch (thrown) {
          err = thrown;
        }
        (err as Error).should.be.instanceOf(OvhAnswerError);
        (err as OvhAnswerError).should.have.properties({
          code: 'ANSWER_NOT_HANDLED',
          method: 'GET',
          path: '/objects/{kind}',
          statusCode: 200,
          queryId: 'EU.hostile.0',
        });
        (err as Error).message.should.equal(
          'GET /objects/{kind} failed: its answer could not be handled (RangeError: Maximum call stack size exceeded) (query id EU.hostile.0)',
        );
      } finally {
        await client.close();
      }
    });

    it('pages reads a page of 300,000 items into one answer', async () => {
      api.answer = () => ({ body: bigPage });
      const { out, caught } = await outcomeOf({ path: '/objects', mode: 'pages', split: 'one' });
      (caught?.error.message === undefined).should.be.true(`went to Catch: ${caught?.error.message}`);
      out!.payload.should.have.length(300_000);
    });
  });

  it('a flow row on a store that never answers sends nothing: the msg goes to Catch after the deadline', async () => {
    api.answer = () => ({ body: '{}' });
    const started = Date.now();
    const msg = await caughtFor({
      path: '/domain/zone',
      parameters: [{ name: 'zone', in: 'query', value: '#:(silent)::zone', valueType: 'flow' }],
    });
    msg.error.message.should.equal('StoreTimeout: ovh-request.errors.row-timeout');
    msg.error.code.should.equal('STORE_TIMEOUT');
    (Date.now() - started).should.be.below(10_000);
    api.calls.should.eql([]);
  });

  it('a JSONata row reading a store that never answers sends nothing: the msg goes to Catch after the deadline', async () => {
    api.answer = () => ({ body: '{}' });
    const msg = await caughtFor({
      path: '/domain/zone',
      parameters: [{ name: 'zone', in: 'query', value: "$flowContext('zone', 'silent')", valueType: 'jsonata' }],
    });
    msg.error.message.should.equal('StoreTimeout: ovh-request.errors.row-timeout');
    api.calls.should.eql([]);
  });

  it('a repeat-until condition reading a store that never answers ends the wait: the msg goes to Catch', async () => {
    api.answer = () => ({ body: '{"state":"ok"}' });
    const msg = await caughtFor({ path: '/server', wait: 'until', until: "$flowContext('ready', 'silent') = true" });
    msg.error.message.should.equal('StoreTimeout: ovh-request.errors.until-no-answer');
    api.calls.should.eql(['/1.0/server']);
  });
});
