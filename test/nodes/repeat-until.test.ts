/**
 * "Read again until a condition holds" on ovh-request, in the runtime against the simulator: a
 * GET read until its JSONata condition holds on the msg it would send, the last answer to Catch
 * when the wait ends first (a slow read included), a condition answering neither true nor false
 * refused, refusals said at deploy and with each msg, and a redeploy ending the wait.
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
  runRequest,
  sendThrough,
  useSettings,
  FAST_TASK_POLLING,
} from '../helpers/node-red';

describe('ovh-request reading again until a condition holds', function () {
  let sim: OvhSimulator;
  useSettings(FAST_TASK_POLLING);
  useRuntime((started) => (sim = started));

  let server: string;
  beforeEach(() => {
    server = Object.keys(sim.data.servers)[0];
    sim.data.servers[server].state = 'error';
  });
  afterEach(() => {
    sim.data.servers[server].state = 'ok';
    sim.onReceived = undefined;
  });

  /** The server's state turns ok at its nth read (the simulator calls onReceived before it answers). */
  const backAt = (n: number) => {
    let reads = 0;
    sim.onReceived = (r) => {
      if (r.method === 'GET' && r.path.endsWith(`/dedicated/server/${server}`) && ++reads === n) {
        sim.data.servers[server].state = 'ok';
      }
    };
  };
  const readServer = { method: 'GET', path: '/dedicated/server/{serviceName}', wait: 'until', until: 'payload.state = "ok"' };
  const params = () => ({ params: { serviceName: server } });

  const send = (request: Record<string, unknown>, msg: Msg) => runRequest(sim, request, msg);
  const serverReads = () => sim.count({ method: 'GET', path: new RegExp(`/dedicated/server/${server.replace(/\./g, '\\.')}$`) });

  it('reads again until the condition holds, and sends that last answer with the number of reads', async () => {
    backAt(4);
    const msg = await send(readServer, params());
    msg.payload.state.should.equal('ok');
    msg.ovh.reads.should.equal(4);
    msg.ovh.waitedMs.should.be.a.Number();
    serverReads().should.equal(4);
  });

  it('sends the first answer when the condition already holds, after one read', async () => {
    sim.data.servers[server].state = 'ok';
    const msg = await send(readServer, params());
    msg.ovh.reads.should.equal(1);
    serverReads().should.equal(1);
  });

  it('reads the rest of the msg in the condition, as it came', async () => {
    backAt(2);
    const msg = await send({ ...readServer, until: 'payload.state = want and statusCode = 200' }, { ...params(), want: 'ok' });
    msg.ovh.reads.should.equal(2);
    msg.want.should.equal('ok');
  });

  it('sends the last answer to Catch when the wait ends first', async () => {
    await helper.settings({ ovhRequestTaskPolling: { firstMs: 300 } });
    try {
      const msg = await send({ ...readServer, taskTimeout: 1 }, params());
      msg.caught.error.message.should.match(/until-timeout/);
      msg.caught.error.code.should.equal('REPEAT_TIMEOUT');
      msg.caught.payload.state.should.equal('error');
      msg.caught.ovh.reads.should.be.within(3, 4);
      serverReads().should.equal(msg.caught.ovh.reads);
    } finally {
      await helper.settings(FAST_TASK_POLLING);
    }
  });

  it('refuses a write, said at deploy and to Catch with each msg, sending nothing', async () => {
    const msg = await send(
      { method: 'POST', path: '/dedicated/server/{serviceName}/reboot', wait: 'until', until: 'true' },
      params(),
    );
    msg.caught.error.message.should.match(/until-get/);
    logLines()
      .some((l) => /until-get/.test(l.text))
      .should.be.true();
    sim.count({ method: 'POST' }).should.equal(0);
  });

  it('refuses a condition that is not JSONata, and an empty one, before sending', async () => {
    let msg = await send({ ...readServer, until: 'payload.state = (' }, params());
    msg.caught.error.message.should.match(/until-invalid/);
    await helper.unload();
    msg = await send({ ...readServer, until: '  ' }, params());
    msg.caught.error.message.should.match(/until-empty/);
    serverReads().should.equal(0);
  });

  it('sends a condition that fails to Catch with its reason', async () => {
    const msg = await send({ ...readServer, until: '$number("x") > 1' }, params());
    msg.caught.error.message.should.match(/until-failed/);
  });

  it('takes a path value set in a Function node, another realm', async () => {
    backAt(3);
    const flow = requestFlow(sim, readServer);
    const request = flow.find((n) => n.id === 'req')!;
    flow.push({
      id: 'fn',
      type: 'function',
      z: 'flow',
      x: 50,
      y: 50,
      func: `msg.params = { serviceName: ${JSON.stringify(server)} }; return msg;`,
      outputs: 1,
      wires: [['req']],
    });
    await load(flow, signatureCredentials(sim), [coreNode('function/10-function.js')]);
    should(request).be.ok();
    const out = receive('out');
    helper.getNode('fn').receive({});
    const [msg] = await out;
    msg.ovh.reads.should.equal(3);
  });

  it('ends the wait at once on redeploy', async () => {
    await load(requestFlow(sim, readServer), signatureCredentials(sim));
    helper.getNode('req').receive(params());
    await new Promise((resolve) => setTimeout(resolve, 150)); // reading again now
    const started = Date.now();
    await helper.unload();
    (Date.now() - started).should.be.below(2000);
    const reads = serverReads();
    await new Promise((resolve) => setTimeout(resolve, 100));
    serverReads().should.equal(reads);
  });

  it('ends the wait at its timeout even when a read is slow', async () => {
    await load(
      requestFlow(sim, {
        method: 'GET',
        path: `/dedicated/server/${server}`,
        wait: 'until',
        until: 'payload.state = "ok"',
        taskTimeout: 1,
      }),
      signatureCredentials(sim),
    );
    // The second read (the first re-read: the fault is set as it arrives) takes 4 s; the wait is 1 s.
    let reads = 0;
    sim.onReceived = (r) => {
      if (r.method === 'GET' && r.path.endsWith(server) && ++reads === 2)
        sim.injectFault({ kind: 'slow', delayMs: 4000, path: new RegExp(`${server.replace(/\./g, '\\.')}$`) });
    };
    const started = Date.now();
    const caught = receive('caught', 1, 8000);
    helper.getNode('req').receive({});
    const [msg] = await caught;
    sim.onReceived = undefined;
    (Date.now() - started).should.be.below(2000);
    msg.error.code.should.equal('REPEAT_TIMEOUT');
    msg.payload.state.should.equal('error'); // the last answer read
  });

  it('a condition that answers something else than true/false is refused, not taken as true', async () => {
    // A common slip: the field, not a comparison. "error" is truthy: the wait ends at once on a server in error.
    await load(
      requestFlow(sim, {
        method: 'GET',
        path: `/dedicated/server/${server}`,
        wait: 'until',
        until: 'payload.state',
        taskTimeout: 1,
      }),
      signatureCredentials(sim),
    );
    const msg = await sendThrough({});
    should(msg.caught).be.ok();
    msg.caught.error.message.should.match(/until-not-boolean/);
  });
});
