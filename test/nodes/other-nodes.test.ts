/**
 * Values built in other nodes, as flows really hand them over: a Function node runs in its own
 * `vm` realm (its objects have another Object.prototype), a change node evaluates JSONata.
 */
import should from 'should';
import { OvhSimulator } from '../simulator/simulator';
import {
  coreNode,
  helper,
  load,
  logLines,
  receive,
  signatureCredentials,
  useRuntime,
  accountNode,
  type Msg,
  sendThrough,
} from '../helpers/node-red';

const functionNode = coreNode('function/10-function.js');
const changeNode = coreNode('function/15-change.js');
const splitJoinNodes = coreNode('sequence/17-split.js');

describe('ovh-request fed by other nodes', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));

  const at = { z: 'flow', x: 100, y: 100 };

  /** A flow: `before` node(s) -> ovh-request -> out, with a Catch node wired to "caught". */
  const flowWith = (before: Array<Record<string, unknown>>, request: Record<string, unknown>): Array<Record<string, unknown>> => [
    { id: 'flow', type: 'tab', label: 'test' },
    accountNode(sim),
    ...before.map((node) => ({ ...at, ...node })),
    { id: 'req', ...at, type: 'ovh-request', account: 'acc', method: 'GET', wires: [['out']], ...request },
    { id: 'out', ...at, type: 'helper' },
    { id: 'catch', ...at, type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', ...at, type: 'helper' },
  ];

  /** Runs a Function node's code before the request node and answers what leaves it. */
  const throughFunction = async (code: string, request: Record<string, unknown>): Promise<Msg> => {
    const flow = flowWith([{ id: 'fn', type: 'function', func: code, outputs: 1, wires: [['req']] }], request);
    await load(flow, signatureCredentials(sim), [functionNode]);
    const out = await sendThrough({ payload: null }, 'fn');
    return out.caught ? { caught: out.caught.error } : out;
  };

  it('takes msg.params, msg.query and msg.requestHeaders built in a Function node', async () => {
    const msg = await throughFunction(
      `msg.params = { zoneName: "exämple.com" };
       msg.query = { subDomain: "www", flag: true, ids: [1, 2] };
       msg.requestHeaders = { "Accept-Language": "fr-FR" };
       return msg;`,
      { path: '/echo/{zoneName}/record' },
    );
    should(msg.caught).be.undefined();
    msg.payload.path.should.equal('/1.0/echo/ex%C3%A4mple.com/record');
    msg.payload.search.should.equal('subDomain=www&flag=true&ids=1&ids=2');
    msg.payload.headers['accept-language'].should.equal('fr-FR');
  });

  it('sends a body built in a Function node, as an object literal or from its JSON.parse', async () => {
    const literal = await throughFunction(`msg.payload = { message: "héllo", tags: ["a"], nested: { n: 1 } }; return msg;`, {
      method: 'POST',
      path: '/echo/sms',
    });
    literal.payload.body.should.equal('{"message":"h\\u00e9llo","tags":["a"],"nested":{"n":1}}');
    await helper.unload();
    const parsed = await throughFunction(
      `msg.params = JSON.parse('{"zoneName":"example.com"}'); msg.payload = JSON.parse('{"target":"192.0.2.1"}'); return msg;`,
      { method: 'PUT', path: '/echo/{zoneName}' },
    );
    parsed.payload.path.should.equal('/1.0/echo/example.com');
    parsed.payload.body.should.equal('{"target":"192.0.2.1"}');
  });

  it('still refuses a Function node value that is not a plain object, naming it', async () => {
    const msg = await throughFunction(`msg.params = new Date(0); return msg;`, { path: '/echo/{zoneName}' });
    msg.caught.message.should.match(/msg\.params must be an object of placeholder values/);
    sim.count({ path: '/1.0/echo/1970' }).should.equal(0);
  });

  it('survives a msg Node-RED cannot clone for a Catch node: the failure is logged, the node goes on', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const code = `Object.defineProperty(msg, 'handle', { enumerable: true, get() { throw new Error('not clonable'); } }); return msg;`;
      const flow = flowWith([{ id: 'fn', type: 'function', func: code, outputs: 1, wires: [['req']] }], {
        path: '/echo/{zoneName}',
      });
      await load(flow, signatureCredentials(sim), [functionNode]);
      helper.getNode('fn').receive({ payload: null });
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The failure is logged (the test runtime shows message keys, not their text).
      logLines()
        .filter((l) => l.level === 20 && l.type === 'ovh-request')
        .map((l) => l.text)
        .should.eql(['ovh-request.errors.unreportable']);
      rejections.should.eql([]);
      // The node is still there for the next msg, and closes at once.
      const out = receive('out');
      helper.getNode('req').receive({ params: { zoneName: 'example.com' } });
      (await out)[0].payload.path.should.equal('/1.0/echo/example.com');
      const started = Date.now();
      await helper.unload();
      (Date.now() - started).should.be.below(5000);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('takes a query and params set by a change node with JSONata', async () => {
    const change = {
      id: 'chg',
      type: 'change',
      rules: [
        { t: 'set', p: 'params', pt: 'msg', to: '{"zoneName": "example." & "com"}', tot: 'jsonata' },
        { t: 'set', p: 'query', pt: 'msg', to: '{"fieldType": "A", "n": 1 + 1}', tot: 'jsonata' },
      ],
      wires: [['req']],
    };
    await load(flowWith([change], { path: '/echo/{zoneName}' }), signatureCredentials(sim), [changeNode]);
    const received = receive('out');
    helper.getNode('chg').receive({ payload: null });
    const [msg] = await received;
    msg.payload.path.should.equal('/1.0/echo/example.com');
    msg.payload.search.should.equal('fieldType=A&n=2');
  });

  it('says the list read before was empty when a change node took a placeholder from its first item', async () => {
    // GET the records of a sub-domain that has none, take the first one's id, update it.
    const flow = flowWith(
      [
        {
          id: 'list',
          type: 'ovh-request',
          account: 'acc',
          method: 'GET',
          path: '/domain/zone/example.com/record?subDomain=nothing-here',
          wires: [['chg']],
        },
        {
          id: 'chg',
          type: 'change',
          rules: [{ t: 'set', p: 'params', pt: 'msg', to: '{"zoneName": "example.com", "id": payload[0]}', tot: 'jsonata' }],
          wires: [['req']],
        },
      ],
      { method: 'PUT', path: '/domain/zone/{zoneName}/record/{id}' },
    );
    await load(flow, signatureCredentials(sim), [changeNode]);
    const caught = receive('caught');
    helper.getNode('list').receive({ payload: null });
    const [msg] = await caught;
    msg.payload.should.eql([]);
    msg.error.message.should.match(/\{id\} has no value.*ovh-request\.errors\.empty-list/);
    sim.count({ method: 'PUT' }).should.equal(0);
  });

  describe('sequences with split and join nodes', () => {
    const join = (id: string, wires: string[]) => ({
      id,
      type: 'join',
      mode: 'auto',
      build: 'array',
      timeout: '',
      wires: [wires],
    });

    it('nests: split -> expand each -> join -> join gives back one list per outer part', async () => {
      const flow = flowWith(
        [
          {
            id: 'split',
            type: 'split',
            splt: '\\n',
            spltType: 'str',
            arraySplt: 1,
            arraySpltType: 'len',
            stream: false,
            addname: '',
            wires: [['req']],
          },
        ],
        { path: '/dedicated/server', mode: 'expand', split: 'each', concurrency: 3 },
      );
      const req = flow.find((n) => n.id === 'req')!;
      req.wires = [['inner']];
      flow.push(
        { ...at, ...join('inner', ['outer']) },
        { ...at, ...join('outer', ['joined']) },
        { ...at, id: 'joined', type: 'helper' },
      );
      await load(flow, signatureCredentials(sim), [splitJoinNodes]);
      const joined = receive('joined');
      helper.getNode('split').receive({ payload: ['first', 'second'] });
      const [msg] = await joined;
      const names = Object.keys(sim.data.servers);
      msg.payload.length.should.equal(2);
      msg.payload.every((list: Array<{ name: string }>) => list.map((s) => s.name).join() === names.join()).should.be.true();
      should(msg.parts).be.undefined();
    });

    it('completes a join when an item fails, the failure going to Catch', async () => {
      sim.cachedObjectLists = false; // one call per id, so one of them can fail (the runtime's beforeEach restores it)
      sim.injectFault({ kind: 'status', status: 500, path: '/1.0/dedicated/server/ns3000005.ip-203-0-113.eu', count: 3 });
      const flow = flowWith([], { path: '/dedicated/server', mode: 'expand', split: 'each' });
      flow.find((n) => n.id === 'req')!.wires = [['joiner']];
      flow.push({ ...at, ...join('joiner', ['out']) });
      await load(flow, signatureCredentials(sim), [splitJoinNodes]);
      const joined = receive('out');
      const caught = receive('caught');
      helper.getNode('req').receive({ payload: null });
      (await joined)[0].payload.length.should.equal(11);
      (await caught)[0].error.message.should.match(/500/);
    });

    it('completes a join when the pages stop at the page limit', async () => {
      const flow = flowWith([], { path: '/v2/iam/policy', mode: 'pages', split: 'each', pageSize: 10, maxPages: 2 });
      flow.find((n) => n.id === 'req')!.wires = [['joiner']];
      flow.push({ ...at, ...join('joiner', ['out']) });
      await load(flow, signatureCredentials(sim), [splitJoinNodes]);
      const joined = receive('out');
      const caught = receive('caught');
      helper.getNode('req').receive({ payload: null });
      const [msg] = await joined;
      msg.payload.length.should.equal(2);
      msg.payload.map((page: unknown[]) => page.length).should.eql([10, 10]);
      (await caught)[0].error.message.should.match(/more than 2 pages/);
    });
  });
});
