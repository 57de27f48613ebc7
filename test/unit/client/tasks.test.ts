/**
 * Waiting for OVHcloud tasks, against simulator tasks that move through their states: known by
 * the answer type or by shape, polled with a growing interval, ended by a final state, a failure
 * state, the wait's own deadline, or an abort.
 */
import should from 'should';
import { OvhTaskError, taskOf, waitForTask, type OvhClient } from '../../../nodes/client';
import { OvhSimulator } from '../../simulator/simulator';
import { clientFor, startSimulator } from '../../helpers';

describe('waiting for tasks', function () {
  let sim: OvhSimulator;
  let client: OvhClient;
  const server = () => Object.keys(sim.data.servers)[0];
  const fast = { firstIntervalMs: 10, largestIntervalMs: 30 };

  before(async () => {
    sim = await startSimulator();
    client = clientFor(sim);
  });
  after(async () => {
    await client.close();
    await sim.close();
  });
  // Tasks forgotten and every family's default course back (server: init, todo, doing, done).
  beforeEach(() => sim.resetCounters());

  const reboot = async () => {
    const path = `/dedicated/server/${server()}/reboot`;
    const answer = await client.post(path);
    return { ref: taskOf('POST', path, answer)!, answer };
  };

  it('knows each family by its answer type, or by shape under the service the path names', () => {
    const cases: Array<[string, string, Record<string, unknown>, string | undefined, string | undefined]> = [
      [
        'POST',
        '/dedicated/server/ns1/reboot',
        { taskId: 7, status: 'init' },
        'dedicated.server.Task',
        '/dedicated/server/ns1/task/7',
      ],
      ['POST', '/ip/192.0.2.0%2F24/move', { taskId: 8, status: 'todo' }, undefined, '/ip/192.0.2.0%2F24/task/8'],
      ['POST', '/vps/vps-1/reboot', { id: 9, state: 'todo', progress: 0 }, 'vps.Task', '/vps/vps-1/tasks/9'],
      [
        'POST',
        '/domain/zone/example.com/refresh',
        { id: 10, status: 'todo' },
        'domain.zone.Task',
        '/domain/zone/example.com/task/10',
      ],
      ['POST', '/domain/example.com/nameServersUpdate', { id: 11, status: 'todo' }, 'domain.Task', '/domain/example.com/task/11'],
      [
        'POST',
        '/cloud/project/p1/instance',
        { id: 'op-1', status: 'created' },
        'cloud.Operation',
        '/cloud/project/p1/operation/op-1',
      ],
      ['POST', '/sms/sms-1/task', { taskId: 12, status: 'todo' }, undefined, '/sms/sms-1/task/12'],
      ['POST', '/v2/iam/policy', { id: 'pol-1', resourceStatus: 'CREATING' }, undefined, '/v2/iam/policy/pol-1'],
      ['PUT', '/v2/iam/policy/pol-1', { id: 'pol-1', resourceStatus: 'UPDATING' }, undefined, '/v2/iam/policy/pol-1'],
      ['POST', '/dedicated/server/ns1/reboot', { taskId: 7, status: 'init' }, 'dedicated.server.Other', undefined],
      ['GET', '/me', { nichandle: 'x' }, undefined, undefined],
      // By shape alone, an object with an id and a state its family does not know is no task.
      ['GET', '/cloud/project/p1/instance/i-1', { id: 'i-1', status: 'ACTIVE' }, undefined, undefined],
      ['GET', '/dedicated/server/ns1', { id: 3, status: 'ok' }, undefined, undefined],
    ];
    for (const [method, path, answer, type, expected] of cases)
      should(taskOf(method, path, answer, type)?.path).equal(expected, `${method} ${path}`);
    const vps = taskOf('POST', '/vps/vps-1/reboot', { id: 9, state: 'doing', progress: 40 })!;
    vps.read({ id: 9, state: 'doing', progress: 40 }).should.eql({ state: 'pending', status: 'doing', progress: 40 });
    vps.read({ id: 9, state: 'error' }).state.should.equal('failed');
  });

  it('polls a reboot until done, with a growing interval, and answers the task as last read', async () => {
    const { ref, answer } = await reboot();
    const seen: string[] = [];
    const done = await waitForTask(client, ref, answer, { ...fast, onPoll: (s) => seen.push(s.status) });
    seen.should.eql(['init', 'todo', 'doing', 'done']);
    (done as { status: string }).status.should.equal('done');
    sim.count({ path: new RegExp(`/task/`) }).should.equal(3);
  });

  it('shows the progress of a VPS task', async () => {
    const path = '/vps/{name}/reboot';
    const answer = await client.post(path, undefined, { params: { name: sim.data.vps[0] } });
    const ref = taskOf('POST', `/vps/${sim.data.vps[0]}/reboot`, answer, 'vps.Task')!;
    const progress: Array<number | undefined> = [];
    await waitForTask(client, ref, answer, { ...fast, onPoll: (s) => progress.push(s.progress) });
    progress.should.eql([0, 50, 100]);
  });

  it('rejects with the task when it ends in failure', async () => {
    sim.taskStates.server = ['init', 'doing', 'customerError'];
    const { ref, answer } = await reboot();
    const err = await waitForTask(client, ref, answer, fast).then(
      () => undefined,
      (e: unknown) => e,
    );
    should(err).be.instanceOf(OvhTaskError);
    (err as OvhTaskError).code.should.equal('TASK_FAILED');
    (err as OvhTaskError).message.should.match(/ended customerError/);
    ((err as OvhTaskError).task as { status: string }).status.should.equal('customerError');
  });

  it('rejects when the task outlives the wait, and stops at once when aborted', async () => {
    sim.taskStates.server = ['init', 'doing'];
    const slow = await reboot();
    const err = await waitForTask(client, slow.ref, slow.answer, { ...fast, timeoutMs: 100 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    (err as OvhTaskError).code.should.equal('TASK_TIMEOUT');
    const abort = new AbortController();
    const waiting = waitForTask(client, slow.ref, slow.answer, { firstIntervalMs: 60_000, signal: abort.signal });
    abort.abort(new Error('redeployed'));
    await waiting.should.be.rejectedWith('redeployed');
  });
});
