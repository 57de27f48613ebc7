/**
 * "Wait until the task ends" on ovh-request, in the runtime against simulator tasks: the final
 * task sent on, its state in the node status, a failed or overlong task to Catch with the task,
 * and a redeploy ending the wait at once.
 */
import should from 'should';
import { OvhSimulator } from '../simulator/simulator';
import { helper, load, receive, requestFlow, signatureCredentials, useRuntime, type Msg } from '../helpers/node-red';

describe('ovh-request waiting for a task', function () {
  let sim: OvhSimulator;
  before(() => helper.settings({ ovhRequestTaskPolling: { firstMs: 20, largestMs: 40 } }));
  after(() => helper.settings({}));
  useRuntime((started) => (sim = started));
  // After useRuntime's resetCounters, which puts back every family's default course.
  beforeEach(() => (sim.taskStates.resource = ['CREATING', 'CREATING', 'READY']));

  const reboot = { method: 'POST', path: '/dedicated/server/{serviceName}/reboot', waitTask: true };
  const params = () => ({ params: { serviceName: Object.keys(sim.data.servers)[0] } });

  const send = async (request: Record<string, unknown>, msg: Msg) => {
    await load(requestFlow(sim, request), signatureCredentials(sim));
    const statuses: string[] = [];
    const node = helper.getNode('req');
    const status = node.status.bind(node);
    node.status = (s: { text?: string }) => {
      if (s.text) statuses.push(s.text);
      status(s);
    };
    const answer = Promise.race<Msg[]>([receive('out'), receive('caught').then(([m]) => [{ caught: m }])]);
    node.receive(msg);
    return { msg: (await answer)[0], statuses };
  };

  // Long enough for the status, shown at most every 250 ms, to show a state in between.
  const doing = (n: number) => Array.from({ length: n }, () => 'doing');

  it('sends the task as it ended, showing its state meanwhile', async () => {
    sim.taskStates.server = ['init', 'todo', ...doing(12), 'done'];
    const { msg, statuses } = await send(reboot, params());
    msg.payload.should.match({ function: 'hardReboot', status: 'done' });
    msg.ovh.task.should.match(/^\/dedicated\/server\/ns\d+\.ip-203-0-113\.eu\/task\/\d+$/);
    msg.ovh.waitedMs.should.be.a.Number();
    statuses.some((s) => /^(todo|doing)$/.test(s)).should.be.true(statuses.join());
    sim.count({ path: /\/task\// }).should.equal(14);
  });

  it('shows a VPS task with its progress', async () => {
    sim.taskStates.vps = ['todo', ...doing(12), 'done'];
    const { msg, statuses } = await send(
      { method: 'POST', path: '/vps/{name}/reboot', waitTask: true },
      { params: { name: sim.data.vps[0] } },
    );
    msg.payload.should.match({ state: 'done', progress: 100 });
    statuses.some((s) => /^doing \d+ %$/.test(s)).should.be.true(statuses.join());
  });

  it('sends a failed task to Catch, the task as payload', async () => {
    sim.taskStates.server = ['init', 'doing', 'ovhError'];
    const { msg } = await send(reboot, params());
    msg.caught.payload.status.should.equal('ovhError');
    msg.caught.error.message.should.match(/ended ovhError/);
    msg.caught.ovh.task.should.match(/\/task\//);
  });

  it("gives up after the node's own wait, to Catch with the task as last read", async () => {
    sim.taskStates.server = ['init', 'doing'];
    const { msg } = await send({ ...reboot, taskTimeout: 1 }, params());
    msg.caught.error.message.should.match(/was still doing when the wait ended/);
    msg.caught.payload.status.should.equal('doing');
  });

  it('sends the task as last read to Catch when it can no longer be read (a purged task)', async () => {
    sim.taskStates.server = ['init', 'doing', 'doing', 'done'];
    let reads = 0;
    sim.onReceived = (r) => {
      if (/\/task\//.test(r.path) && ++reads === 2) sim.injectFault({ kind: 'status', status: 404, path: r.path });
    };
    try {
      const { msg } = await send(reboot, params());
      msg.caught.error.message.should.match(/could not be read: .*404/);
      msg.caught.payload.status.should.equal('doing');
      msg.caught.ovh.task.should.match(/\/task\//);
    } finally {
      sim.onReceived = undefined;
    }
  });

  it('waits for a failover IP move, the IP block written with its / as one segment', async () => {
    const { msg } = await send({ method: 'POST', path: '/ip/{ip}/move', waitTask: true }, { params: { ip: '192.0.2.0/24' } });
    msg.payload.should.match({ action: 'genericMoveFloatingIp', status: 'done' });
    msg.ovh.task.should.match(/^\/ip\/192\.0\.2\.0%2F24\/task\/\d+$/);
  });

  it('waits for a /v2 resource being made until READY, reading the resource itself', async () => {
    const { msg } = await send({ method: 'POST', path: '/v2/iam/policy', waitTask: true }, { payload: { name: 'ops' } });
    msg.payload.should.match({ name: 'ops', resourceStatus: 'READY' });
    msg.ovh.task.should.match(/^\/v2\/iam\/policy\/new-policy-\d+$/);
  });

  it('passes an answer that is not a task on as it is', async () => {
    const { msg } = await send({ method: 'GET', path: '/me', waitTask: true }, {});
    msg.payload.nichandle.should.equal('xx1234-ovh');
    should(msg.ovh.task).be.undefined();
  });

  it('ends the wait at once on redeploy: the msg ends, the node closes', async () => {
    sim.taskStates.server = ['init', 'doing'];
    await load(requestFlow(sim, reboot), signatureCredentials(sim));
    helper.getNode('req').receive(params());
    await new Promise((resolve) => setTimeout(resolve, 150)); // waiting now
    const started = Date.now();
    await helper.unload();
    (Date.now() - started).should.be.below(2000);
  });
});
