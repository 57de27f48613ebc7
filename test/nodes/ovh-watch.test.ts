/**
 * ovh-watch in the runtime against the simulator: a list's new, removed and changed items, an
 * object's changed fields, nothing sent for what was there at the first check, failures to Catch
 * with the next check going on, and the account's one client shared with ovh-request.
 */
import should from 'should';
import { OvhSimulator } from '../simulator/simulator';
import {
  coreNode,
  helper,
  load,
  watchFlow,
  logLines,
  receive,
  signatureCredentials,
  useRuntime,
  type Msg,
  useSettings,
  watchEvery,
} from '../helpers/node-red';

describe('ovh-watch', function () {
  let sim: OvhSimulator;
  useSettings(watchEvery(40));
  useRuntime((started) => (sim = started));

  const zone = () => sim.data.zones['example.com'];
  let records: typeof sim.data.zones.x.records;
  let server: string;
  beforeEach(() => {
    records = zone().records.map((r) => ({ ...r }));
    server = Object.keys(sim.data.servers)[0];
  });
  afterEach(() => {
    zone().records = records;
    Object.assign(sim.data.servers[server], { state: 'ok', monitoring: true });
  });

  const catchNode = coreNode('common/25-catch.js');

  const recordsPath = '/domain/zone/example.com/record';
  const listReads = () => sim.count({ method: 'GET', path: /\/domain\/zone\/example\.com\/record$/ });
  /** Resolves once the watch has read its path `n` more times. */
  const checks = async (n: number, count: () => number = listReads) => {
    const target = count() + n;
    while (count() < target) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const start = async (watch: Record<string, unknown>) => {
    const out: Msg[] = [];
    await load(watchFlow(sim, watch), signatureCredentials(sim), [catchNode]);
    helper.getNode('out').on('input', (msg: Msg) => out.push(msg));
    return out;
  };
  const addRecord = (id: number, target = '203.0.113.99') =>
    zone().records.push({ id, zone: 'example.com', fieldType: 'A', subDomain: `new${id}`, target, ttl: 0 });

  it('sends nothing for what is there at the first check, then each new item of a list once', async () => {
    const out = await start({ path: recordsPath });
    await checks(2);
    out.should.have.length(0);
    addRecord(5001);
    const [msg] = await receive('out');
    msg.payload.should.equal(5001);
    msg.topic.should.equal(recordsPath);
    msg.ovh.should.match({ event: 'added', id: '5001', path: recordsPath, method: 'GET' });
    await checks(3);
    out.should.have.length(1); // not again
  });

  it('sends removed items when asked, with the item as last seen', async () => {
    const out = await start({ path: recordsPath, removed: true });
    await checks(1);
    zone().records = zone().records.filter((r) => r.id !== 1002);
    const [msg] = await receive('out');
    msg.ovh.event.should.equal('removed');
    msg.payload.should.equal(1002);
    await checks(2);
    out.should.have.length(1);
  });

  it('reads a /1.0 list as its objects in one call a check, and sends an item edited elsewhere with what changed', async () => {
    const out = await start({ path: recordsPath, read: 'objects', sendChanged: true });
    await checks(1);
    const before = sim.count({ method: 'GET' });
    zone().records.find((r) => r.id === 1002)!.target = '198.51.100.7';
    const [msg] = await receive('out');
    msg.ovh.should.match({ event: 'changed', id: '1002' });
    msg.payload.should.match({ id: 1002, target: '198.51.100.7' });
    msg.changes.should.eql([{ path: 'target', from: '203.0.113.10', to: '198.51.100.7' }]);
    msg.previous.target.should.equal('203.0.113.10');
    // Whole pages of objects: no call per record.
    sim.count({ method: 'GET', path: /\/record\/\d+$/ }).should.equal(0);
    (sim.count({ method: 'GET' }) - before).should.be.below(10);
    out.should.have.length(1);
  });

  it('sends an object when a watched field changes, and not for another field', async () => {
    const serverReads = () =>
      sim.count({ method: 'GET', path: new RegExp(`/dedicated/server/${server.replace(/\./g, '\\.')}$`) });
    const out = await start({ path: `/dedicated/server/${server}`, fields: 'state' });
    await checks(1, serverReads);
    sim.data.servers[server].monitoring = false;
    await checks(3, serverReads);
    out.should.have.length(0);
    sim.data.servers[server].state = 'error';
    const [msg] = await receive('out');
    msg.ovh.event.should.equal('changed');
    msg.payload.state.should.equal('error');
    msg.changes.should.eql([{ path: 'state', from: 'ok', to: 'error' }]);
    should(msg.ovh.id).be.undefined();
  });

  it('sends what is there at the first check when asked, once', async () => {
    const out = await start({ path: recordsPath, sendFirst: true });
    await checks(3);
    out.map((m) => m.payload).should.eql(zone().records.map((r) => r.id));
  });

  it('sends a failed check to Catch with the API answer, and goes on checking', async () => {
    sim.injectFault({ kind: 'status', status: 403, path: /\/record$/, count: 2 });
    const out = await start({ path: recordsPath });
    const caught = await receive('caught', 2);
    caught[0].ovh.should.match({ event: 'failed', path: recordsPath, failures: 1 });
    caught[1].ovh.failures.should.equal(2);
    caught[0].error.message.should.be.a.String();
    // Named at Catch as the flow shows it: the watch has no name of its own.
    caught[0].error.source.name.should.equal(`watch ${recordsPath}`);
    await checks(1); // remembered now
    addRecord(5002);
    const [msg] = await receive('out');
    msg.payload.should.equal(5002);
    out.should.have.length(1);
  });

  it('refuses a path with a placeholder left, at deploy, sending nothing', async () => {
    await start({ path: '/domain/zone/{zoneName}/record' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    logLines()
      .some((l) => /ovh-watch.errors.placeholder/.test(l.text))
      .should.be.true();
    sim.count({ path: /\/domain\/zone/ }).should.equal(0);
  });

  it("shares the account's client with ovh-request: one server time, one set of limits", async () => {
    const flow = watchFlow(sim, { path: recordsPath }, [
      {
        id: 'req',
        type: 'ovh-request',
        z: 'flow',
        x: 100,
        y: 300,
        account: 'acc',
        method: 'GET',
        path: '/me',
        wires: [['done']],
      },
      { id: 'done', type: 'helper', z: 'flow', x: 300, y: 300 },
    ]);
    await load(flow, signatureCredentials(sim), [catchNode]);
    await checks(2);
    const answered = receive('done');
    helper.getNode('req').receive({});
    await answered;
    sim.count({ path: '/1.0/auth/time' }).should.equal(1);
  });
});
