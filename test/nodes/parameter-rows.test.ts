/**
 * Parameter rows: a TypedInput value per placeholder, query parameter or body field, evaluated
 * for each msg in the real runtime (context stores, JSONata, environment, Function nodes), converted
 * to the API's type, refused with the parameter's name before anything is sent.
 */
import should from 'should';
import { OvhSimulator } from '../simulator/simulator';
import {
  coreNode,
  helper,
  load,
  logLines,
  receive,
  requestFlow,
  signatureCredentials,
  useRuntime,
  type Msg,
  sendThrough,
} from '../helpers/node-red';

const functionNode = coreNode('function/10-function.js');
const injectNode = coreNode('common/20-inject.js');

type Row = {
  name: string;
  in: 'path' | 'query' | 'body';
  type?: string;
  required?: boolean;
  value?: unknown;
  valueType?: string;
};

const row = (name: string, place: Row['in'], type: string, valueType: string, value: unknown, required = false): Row => ({
  name,
  in: place,
  type,
  required,
  value,
  valueType,
});

describe('ovh-request parameter rows', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));

  /** Sends one msg through a request node with these rows; answers the msg at out, or the caught error. */
  const call = async (
    request: Record<string, unknown>,
    msg: Msg = {},
    before?: (req: Msg) => Promise<void> | void,
  ): Promise<Msg> => {
    await load(requestFlow(sim, request), signatureCredentials(sim));
    await before?.(helper.getNode('req'));
    const out = await sendThrough(msg);
    return out.caught ? { caught: out.caught.error, msg: out.caught } : out;
  };

  it('evaluates every TypedInput kind for each msg and converts each value to its API type', async () => {
    process.env.OVH_TEST_ROW_VALUE = 'from-env';
    try {
      const parameters = [
        row('zoneName', 'path', 'string', 'str', 'exämple.com', true),
        row('subDomain', 'query', 'string', 'msg', 'topic'),
        row('active', 'query', 'boolean', 'bool', 'true'),
        row('ttl', 'body', 'long', 'str', '300'),
        row('weight', 'body', 'double', 'num', '1.5'),
        row('tags', 'body', 'string[]', 'json', '["a","b"]'),
        row('label', 'body', 'string', 'env', 'OVH_TEST_ROW_VALUE'),
        row('count', 'body', 'long', 'flow', 'count'),
        row('site', 'body', 'string', 'global', 'site'),
        row('shout', 'body', 'string', 'jsonata', '$uppercase(payload.name) & "!"'),
        row('port', 'body', 'long', 'msg', 'payload.port'),
        row('unset', 'body', 'string', 'str', ''),
        row('missing', 'body', 'string', 'msg', 'nothing.here'),
      ];
      const msg = await call(
        { method: 'POST', path: '/echo/{zoneName}/record', parameters },
        { topic: 'www', payload: { name: 'hé', port: '8080' } },
        (req) => {
          req.context().flow.set('count', '7');
          req.context().global.set('site', 42);
        },
      );
      should(msg.caught).be.undefined();
      msg.payload.path.should.equal('/1.0/echo/ex%C3%A4mple.com/record');
      msg.payload.search.should.equal('subDomain=www&active=true');
      // The payload's own fields fill the rest: name and port were given by msg.payload too.
      JSON.parse(msg.payload.body).should.eql({
        name: 'hé',
        port: 8080,
        ttl: 300,
        weight: 1.5,
        tags: ['a', 'b'],
        label: 'from-env',
        count: 7,
        site: '42',
        shout: 'HÉ!',
      });
    } finally {
      delete process.env.OVH_TEST_ROW_VALUE;
    }
  });

  it('lets msg.params, msg.query and msg.payload fill what the rows leave empty; a row wins over the msg', async () => {
    const parameters = [
      row('zoneName', 'path', 'string', 'str', ''),
      row('id', 'path', 'long', 'msg', 'recordId'),
      row('subDomain', 'query', 'string', 'str', 'www'),
      row('target', 'body', 'string', 'str', '192.0.2.1', true),
      row('ttl', 'body', 'long', 'str', ''),
    ];
    const msg = await call(
      { method: 'PUT', path: '/echo/{zoneName}/record/{id}', parameters },
      {
        recordId: '12',
        params: { zoneName: 'example.com', id: 99 },
        query: { subDomain: 'mail', fieldType: 'A' },
        payload: { target: 'ignored', ttl: 60 },
      },
    );
    should(msg.caught).be.undefined();
    msg.payload.path.should.equal('/1.0/echo/example.com/record/12');
    msg.payload.search.should.equal('subDomain=www&fieldType=A');
    JSON.parse(msg.payload.body).should.eql({ target: '192.0.2.1', ttl: 60 });
  });

  it('sends the rows as the body when msg.payload is not an object (an inject timestamp)', async () => {
    const flow = requestFlow(sim, {
      method: 'POST',
      path: '/echo/{zoneName}/record',
      parameters: [row('zoneName', 'path', 'string', 'str', 'example.com'), row('target', 'body', 'string', 'str', '192.0.2.7')],
    });
    flow.push({
      id: 'inj',
      type: 'inject',
      z: 'flow',
      x: 0,
      y: 0,
      props: [{ p: 'payload' }],
      payloadType: 'date',
      wires: [['req']],
    });
    await load(flow, signatureCredentials(sim), [injectNode]);
    const received = receive('out');
    helper.getNode('inj').receive({});
    const [msg] = await received;
    JSON.parse(msg.payload.body).should.eql({ target: '192.0.2.7' });
  });

  it('leaves out a list that came along in msg.payload (an earlier answer) and sends the rows', async () => {
    const msg = await call(
      {
        method: 'PUT',
        path: '/echo/zone/{id}',
        parameters: [row('id', 'path', 'long', 'msg', 'payload[0]'), row('target', 'body', 'string', 'str', 'x')],
      },
      { payload: [1002, 1003] },
    );
    msg.payload.path.should.equal('/1.0/echo/zone/1002');
    JSON.parse(msg.payload.body).should.eql({ target: 'x' });
  });

  it('takes values a Function node built in its own realm: numbers, dates, lists', async () => {
    const flow = requestFlow(sim, {
      method: 'POST',
      path: '/echo/sms',
      parameters: [
        row('ttl', 'body', 'long', 'msg', 'values.ttl'),
        row('when', 'body', 'datetime', 'msg', 'values.when'),
        row('day', 'body', 'date', 'msg', 'values.when'),
        row('receivers', 'body', 'string[]', 'msg', 'values.receivers'),
        row('one', 'body', 'string[]', 'msg', 'values.one'),
      ],
    });
    const code = `msg.values = { ttl: 300, when: new Date(Date.UTC(2026, 10, 29, 12)), receivers: ["+33600000001", 33600000002], one: "x" }; return msg;`;
    flow.push({ id: 'fn', type: 'function', z: 'flow', x: 0, y: 0, func: code, outputs: 1, wires: [['req']] });
    await load(flow, signatureCredentials(sim), [functionNode]);
    const received = receive('out');
    helper.getNode('fn').receive({ payload: null });
    const [msg] = await received;
    JSON.parse(msg.payload.body).should.eql({
      ttl: 300,
      when: '2026-11-29T12:00:00.000Z',
      day: '2026-11-29',
      receivers: ['+33600000001', '33600000002'],
      one: ['x'],
    });
  });

  const refusals: Array<[string, Record<string, unknown>, Msg, RegExp]> = [
    [
      'a value its type cannot hold',
      { method: 'POST', path: '/echo/zone', parameters: [row('ttl', 'body', 'long', 'str', 'five minutes')] },
      {},
      /Parameter "ttl" must be a whole number \(long\), not "five minutes"/,
    ],
    [
      'a msg value its type cannot hold',
      { method: 'GET', path: '/echo/zone', parameters: [row('active', 'query', 'boolean', 'msg', 'payload')] },
      { payload: 'yes' },
      /Parameter "active" must be true or false \(boolean\), not "yes"/,
    ],
    [
      'a missing required body field',
      {
        method: 'POST',
        path: '/echo/zone',
        parameters: [row('target', 'body', 'string', 'msg', 'ip', true), row('ttl', 'body', 'long', 'num', '60')],
      },
      { payload: { ttl: 1 } },
      /Missing required parameter "target" \(body\): set its row, or msg\.payload\.target/,
    ],
    [
      'a missing required query parameter',
      { method: 'GET', path: '/echo/zone', parameters: [row('country', 'query', 'string', 'str', '', true)] },
      {},
      /Missing required parameter "country" \(query\)/,
    ],
    [
      'a missing path value',
      { method: 'GET', path: '/echo/{zoneName}', parameters: [row('zoneName', 'path', 'string', 'msg', 'zone', true)] },
      {},
      /zoneName/,
    ],
    [
      'a msg property that is not one',
      { method: 'GET', path: '/echo/zone', parameters: [row('q', 'query', 'string', 'msg', 'payload[')] },
      {},
      /Parameter "q": msg\.payload\[ is not a property/,
    ],
    [
      'a JSONata expression that does not parse',
      { method: 'GET', path: '/echo/zone', parameters: [row('q', 'query', 'string', 'jsonata', '$uppercase(')] },
      {},
      /Parameter "q": the JSONata expression is not valid: \S.*[a-z]/,
    ],
    [
      'a JSONata expression that fails on the msg',
      { method: 'GET', path: '/echo/zone', parameters: [row('q', 'query', 'string', 'jsonata', '$number("abc")')] },
      {},
      /Parameter "q": the JSONata expression failed/,
    ],
    [
      'JSON that does not parse',
      { method: 'POST', path: '/echo/zone', parameters: [row('tags', 'body', 'string[]', 'json', '["a",')] },
      {},
      /Parameter "tags"/,
    ],
    [
      'text that starts like JSON and is not, with body rows',
      { method: 'POST', path: '/echo/zone', parameters: [row('a', 'body', 'string', 'str', 'x')] },
      { payload: '{"b":' },
      /msg\.payload is text that starts like JSON but is not/,
    ],
    [
      'a required query value that is null (a URL cannot carry it)',
      { method: 'GET', path: '/echo/zone', parameters: [row('country', 'query', 'string', 'msg', 'payload.country', true)] },
      { payload: { country: null } },
      /Missing required parameter "country" \(query\)/,
    ],
    [
      'a required field named like an Object member that nothing gives',
      {
        method: 'POST',
        path: '/echo/zone',
        parameters: [row('toString', 'body', 'string', 'msg', 'nothing', true), row('x', 'body', 'string', 'str', '1')],
      },
      { payload: {} },
      /Missing required parameter "toString" \(body\)/,
    ],
    [
      'an object that only calls itself a Date',
      { method: 'GET', path: '/echo/zone', parameters: [row('when', 'query', 'datetime', 'msg', 'payload')] },
      { payload: { [Symbol.toStringTag]: 'Date' } },
      /Parameter "when" must be text \(datetime\), not a date/,
    ],
    [
      'a function for a field of a model type',
      { method: 'POST', path: '/echo/zone', parameters: [row('rule', 'body', 'iam.policy.Creation', 'msg', 'payload')] },
      { payload: () => 1 },
      /Parameter "rule" must be a value JSON can hold \(iam\.policy\.Creation\), not a function/,
    ],
    [
      'a number that is not one, for an enum',
      { method: 'POST', path: '/echo/zone', parameters: [row('fieldType', 'body', 'domain.zone.RecordTypeEnum', 'num', 'abc')] },
      {},
      /Parameter "fieldType" must be a finite number/,
    ],
    [
      'an object for a text parameter',
      { method: 'GET', path: '/echo/zone', parameters: [row('name', 'query', 'string', 'msg', 'payload')] },
      { payload: { a: 1 } },
      /Parameter "name" must be text \(string\), not an object/,
    ],
  ];
  for (const [what, request, input, expected] of refusals) {
    it(`refuses ${what} before sending anything, naming the parameter`, async () => {
      const msg = await call(request, input);
      should(msg.caught).not.be.undefined();
      msg.caught.message.should.match(expected);
      sim.count().should.equal(0);
    });
  }

  it('sends a row named __proto__ or constructor as a field like any other', async () => {
    const msg = await call({
      method: 'POST',
      path: '/echo/zone',
      parameters: [row('__proto__', 'body', 'string', 'str', 'a'), row('constructor', 'query', 'string', 'str', 'b')],
    });
    should(msg.caught).be.undefined();
    msg.payload.body.should.equal('{"__proto__":"a"}');
    msg.payload.search.should.equal('constructor=b');
  });

  it('says at deploy which rows refuse every msg (a literal its type cannot hold, an expression that does not parse)', async () => {
    await load(
      requestFlow(sim, {
        method: 'GET',
        path: '/echo/zone',
        parameters: [
          row('id', 'query', 'long', 'num', 'abc'),
          row('q', 'query', 'string', 'jsonata', '$substring('),
          row('ok', 'query', 'long', 'num', '1'),
        ],
      }),
      signatureCredentials(sim),
    );
    const warnings = logLines()
      .filter((l) => l.level === 30 && l.type === 'ovh-request')
      .map((l) => l.text);
    warnings.length.should.equal(2);
    warnings[0].should.match(/Parameter "id" must be a whole number \(long\)/);
    warnings[1].should.match(/Parameter "q": the JSONata expression is not valid/);
    warnings[1].should.not.match(/object Object/);
  });

  it('refuses a msg property that throws when read, naming the parameter', async () => {
    // Node-RED cannot clone such a msg for a Catch node: the second output takes it as it is.
    await load(
      requestFlow(sim, {
        method: 'GET',
        path: '/echo/zone',
        errorOutput: true,
        parameters: [row('port', 'query', 'long', 'msg', 'payload.port')],
      }),
      signatureCredentials(sim),
    );
    const failed = receive('failed');
    const payload = Object.defineProperty({}, 'port', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    helper.getNode('req').receive({ payload });
    (await failed)[0].error.message.should.match(/Parameter "port": msg\.payload\.port could not be read: boom/);
    sim.count().should.equal(0);
  });

  it('sends no body when the node is set to send none, and says at deploy that its body rows are not sent', async () => {
    const msg = await call(
      {
        method: 'POST',
        path: '/echo/zone',
        body: 'none',
        parameters: [row('a', 'body', 'string', 'str', 'x'), row('q', 'query', 'string', 'str', 'y')],
      },
      { payload: { b: 1 } },
    );
    msg.payload.body.should.equal('');
    msg.payload.search.should.equal('q=y');
    logLines()
      .filter((l) => l.level === 30 && l.type === 'ovh-request')
      .map((l) => l.text)
      .should.eql(['ovh-request.warn.body-rows-unused']);
  });

  it('reads a msg row written with or without its msg. prefix, as core nodes do', async () => {
    const msg = await call(
      {
        method: 'GET',
        path: '/echo/zone',
        parameters: [
          row('zone', 'query', 'string', 'msg', 'msg.payload.zone'),
          row('id', 'query', 'long', 'msg', 'payload.id'),
          row('pick', 'query', 'string', 'msg', 'payload.choices[msg.key]'), // read afresh for each msg
        ],
      },
      { payload: { zone: 'example.com', id: '7', choices: { b: 'second' } }, key: 'b' },
    );
    msg.payload.search.should.equal('zone=example.com&id=7&pick=second');
  });

  it("sends a row of one's own (no API type) as given: a number, an object", async () => {
    const own = (name: string, valueType: string, value: string) => ({ name, in: 'body', value, valueType, custom: true });
    const msg = await call(
      {
        method: 'POST',
        path: '/echo/zone',
        parameters: [own('ttl', 'num', '300'), own('extra', 'json', '{"a":1}'), own('label', 'str', 'x')],
      },
      { payload: {} },
    );
    JSON.parse(msg.payload.body).should.eql({ ttl: 300, extra: { a: 1 }, label: 'x' });
  });

  it('says at deploy which path rows match no placeholder of the path', async () => {
    await load(
      requestFlow(sim, {
        method: 'GET',
        path: '/echo/{zoneName}',
        parameters: [row('zoneName', 'path', 'string', 'str', 'a'), row('id', 'path', 'long', 'num', '1')],
      }),
      signatureCredentials(sim),
    );
    logLines()
      .filter((l) => l.level === 30 && l.type === 'ovh-request')
      .map((l) => l.text)
      .should.eql(['ovh-request.warn.unplaced-rows']);
  });

  it('names the row a missing path value was to come from (an earlier answer, empty)', async () => {
    const msg = await call(
      { method: 'PUT', path: '/echo/zone/{id}', parameters: [row('id', 'path', 'long', 'msg', 'payload[0]', true)] },
      { payload: [] },
    );
    msg.caught.message.should.match(
      /Parameter "id" \(path\) has no value: its row \(msg\.payload\[0\]\) gave nothing, and msg\.params\.id is not set/,
    );
    sim.count().should.equal(0);
  });

  it('leaves out a row naming an environment variable that is not set', async () => {
    const msg = await call({
      method: 'PUT',
      path: '/echo/zone',
      parameters: [row('target', 'body', 'string', 'env', 'OVH_TEST_NOT_SET'), row('ttl', 'body', 'long', 'num', '60')],
    });
    JSON.parse(msg.payload.body).should.eql({ ttl: 60 });
  });

  it('shows the refusal in the status and keeps the node working for the next msg', async () => {
    const parameters = [row('ttl', 'query', 'long', 'msg', 'payload')];
    const first = await call({ method: 'GET', path: '/echo/zone', parameters }, { payload: 'x' });
    first.caught.message.should.match(/Parameter "ttl"/);
    const received = receive('out');
    helper.getNode('req').receive({ payload: 5 });
    const [second] = await received;
    second.payload.search.should.equal('ttl=5');
  });

  it('sends a GET with rows without any body, and leaves a flow without rows as it was', async () => {
    const withRows = await call(
      { method: 'GET', path: '/echo/zone', parameters: [row('target', 'body', 'string', 'str', 'x', true)] },
      { payload: 'ignored' },
    );
    should(withRows.caught).be.undefined();
    should(withRows.payload.body).equal('');
    await helper.unload();
    const without = await call({ method: 'POST', path: '/echo/zone', parameters: [] }, { payload: '{"a":1}' });
    without.payload.body.should.equal('{"a":1}');
  });
});
