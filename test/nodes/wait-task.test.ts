/**
 * "Wait until the task ends" on ovh-request, in the runtime against simulator tasks: the final
 * task sent on, its state in the node status, a failed or overlong task to Catch with the task,
 * the same for every task family (server, VPS, IP, /v2 resource, DNS zone, domain, Public Cloud
 * operation, SMS), and a redeploy ending the wait at once.
 */
import should from 'should';
import { OvhSimulator, type TaskStates } from '../simulator/simulator';
import { CLOUD_INSTANCE, CLOUD_PROJECT } from '../simulator/data';
import { clientFor } from '../helpers';
import {
  helper,
  load,
  requestFlow,
  signatureCredentials,
  useRuntime,
  type Msg,
  sendThrough,
  useSettings,
  FAST_TASK_POLLING,
} from '../helpers/node-red';

describe('ovh-request waiting for a task', function () {
  let sim: OvhSimulator;
  // A grace of 1.5 s for a task that answers 404 or 5xx (5 minutes unless the settings say).
  useSettings({ ovhRequestTaskPolling: { ...FAST_TASK_POLLING.ovhRequestTaskPolling, graceMs: 1500 } });
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
    let shown: { text?: string; fill?: string } = {};
    node.status = (s: { text?: string; fill?: string }) => {
      if (s.text) statuses.push(s.text);
      shown = s;
      status(s);
    };
    const sent = await sendThrough(msg);
    // The status after the wait: shown at most every 250 ms, so once the last update has come.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { msg: sent, statuses, last: shown };
  };

  // Long enough for the status, shown at most every 250 ms, to show a state in between.
  const doing = (n: number) => Array.from({ length: n }, () => 'doing');

  it('sends the task as it ended, showing its state meanwhile', async () => {
    sim.taskStates.server = ['init', 'todo', ...doing(12), 'done'];
    const { msg, statuses, last } = await send(reboot, params());
    msg.payload.should.match({ function: 'hardReboot', status: 'done' });
    msg.ovh.task.should.match(/^\/dedicated\/server\/ns\d+\.ip-203-0-113\.eu\/task\/\d+$/);
    msg.ovh.waitedMs.should.be.a.Number();
    // A server task has no percentage: the time waited so far, then how long it took.
    statuses.some((s) => /^(todo|doing) · ovh-request\.status\.seconds$/.test(s)).should.be.true(statuses.join());
    last.should.match({ fill: 'green', text: 'ovh-request.status.task-done' });
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
    const { msg, last } = await send(reboot, params());
    last.should.match({ fill: 'red', text: 'ovh-request.status.task-failed' });
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

  it('sends the task as last read to Catch when it can no longer be read, after the grace (a purged task)', async () => {
    sim.taskStates.server = ['init', 'doing', 'doing', 'done'];
    let reads = 0;
    sim.onReceived = (r) => {
      if (/\/task\//.test(r.path) && ++reads === 2) sim.injectFault({ kind: 'status', status: 404, path: r.path, count: 1000 });
    };
    try {
      const started = Date.now();
      const { msg } = await send(reboot, params());
      msg.caught.error.message.should.match(/could not be read \(still, after \d+ s\): .*404/);
      msg.caught.error.code.should.equal('TASK_UNREADABLE');
      msg.caught.payload.status.should.equal('doing');
      msg.caught.ovh.task.should.match(/\/task\//);
      // Read again and again while the grace lasted, then no longer.
      (Date.now() - started).should.be.aboveOrEqual(1500);
      sim.count({ path: /\/task\// }).should.be.above(5);
    } finally {
      sim.onReceived = undefined;
    }
  });

  describe('a task that stumbles', () => {
    it('reads a task just made that answers 404 and 500 for a while, until it ends', async () => {
      sim.taskStumbles = [404, 404, 500, 404];
      sim.taskStates.server = ['init', 'doing', 'done'];
      const { msg } = await send(reboot, params());
      msg.payload.should.match({ function: 'hardReboot', status: 'done' });
      // Four stumbles (the 500 tried again by the client itself), then the task's two states.
      sim
        .received({ path: /\/task\// })
        .filter((r) => r.status !== 200)
        .length.should.be.aboveOrEqual(4);
      sim
        .received({ path: /\/task\// })
        .filter((r) => r.status === 200)
        .length.should.equal(2);
    });

    it('reads a /v2 resource just made that answers 404 for a while, until READY', async () => {
      sim.taskStumbles = [404, 404];
      const { msg } = await send({ method: 'POST', path: '/v2/iam/policy', waitTask: true }, { payload: { name: 'ops' } });
      msg.payload.should.match({ name: 'ops', resourceStatus: 'READY' });
    });

    it('says at once that a write answering a task with id 0 failed, the answer to Catch', async () => {
      sim.unmadeTask = 'zero';
      const { msg } = await send(reboot, params());
      msg.caught.error.code.should.equal('TASK_NOT_CREATED');
      msg.caught.error.message.should.match(/answered a task without an id \(taskId 0\): the task was not created/);
      msg.caught.payload.should.match({ taskId: 0, function: 'hardReboot' });
      sim.count({ path: /\/task\// }).should.equal(0);
    });

    it('says at once that a write answering a task without an id failed', async () => {
      sim.unmadeTask = 'none';
      const { msg } = await send(reboot, params());
      msg.caught.error.code.should.equal('TASK_NOT_CREATED');
      msg.caught.error.message.should.match(/\(taskId undefined\)/);
      sim.count({ path: /\/task\// }).should.equal(0);
    });

    it('says at once that a /v2 resource answered without an id was not created', async () => {
      sim.unmadeTask = 'none';
      const { msg } = await send({ method: 'POST', path: '/v2/iam/policy', waitTask: true }, { payload: { name: 'ops' } });
      msg.caught.error.code.should.equal('TASK_NOT_CREATED');
      msg.caught.error.message.should.match(/answered a resource without an id/);
      sim.count({ method: 'GET', path: /^\/v2\/iam\/policy\// }).should.equal(0);
    });

    it("puts the reasons of a /v2 resource ending in ERROR, from its tasks' errors, in the error", async () => {
      sim.taskStates.resource = ['CREATING', 'ERROR'];
      sim.resourceErrors = ['Quota exceeded for resource policies', 'Identity urn:v1:eu:identity:user:nobody is unknown'];
      const { msg } = await send({ method: 'POST', path: '/v2/iam/policy', waitTask: true }, { payload: { name: 'ops' } });
      msg.caught.error.code.should.equal('TASK_FAILED');
      msg.caught.error.message.should.match(
        /ended ERROR: Quota exceeded for resource policies; Identity urn:v1:eu:identity:user:nobody is unknown$/,
      );
      msg.caught.payload.currentTasks[0].errors.should.have.length(2);
    });

    it('puts the instance a completed Public Cloud operation made on msg.ovh.resourceId (from its sub-operations)', async () => {
      const { msg } = await send(
        { method: 'POST', path: '/cloud/project/{serviceName}/region/{regionName}/instance', waitTask: true },
        {
          params: { serviceName: CLOUD_PROJECT, regionName: 'GRA11' },
          payload: { name: 'web-2', billingPeriod: 'hourly', bootFrom: { imageId: 'x' }, flavor: { id: 'b2-7' }, network: {} },
        },
      );
      msg.payload.should.match({ action: 'instance#create', status: 'completed', resourceId: null });
      msg.ovh.resourceId.should.match(/^c4d5e6f7-/);
      should(msg.ovh.resourceIds).be.undefined();
      sim.data.cloud[CLOUD_PROJECT].instances[msg.ovh.resourceId].should.match({ name: 'web-2', status: 'ACTIVE' });
    });

    it('puts every instance of a bulk creation on msg.ovh.resourceIds', async () => {
      const { msg } = await send(
        { method: 'POST', path: '/cloud/project/{serviceName}/region/{regionName}/instance', waitTask: true },
        {
          params: { serviceName: CLOUD_PROJECT, regionName: 'GRA11' },
          payload: { bulk: 3, billingPeriod: 'hourly', bootFrom: { imageId: 'x' }, flavor: { id: 'b2-7' }, network: {} },
        },
      );
      msg.ovh.resourceIds.should.have.length(3);
      msg.ovh.resourceId.should.equal(msg.ovh.resourceIds[0]);
    });

    it('puts the instance a reinstall names (its resourceId) on msg.ovh.resourceId', async () => {
      const { msg } = await send(
        {
          method: 'POST',
          path: '/cloud/project/{serviceName}/region/{regionName}/instance/{instanceId}/reinstall',
          waitTask: true,
        },
        {
          params: { serviceName: CLOUD_PROJECT, regionName: 'GRA11', instanceId: CLOUD_INSTANCE },
          payload: { imageRegionName: 'GRA11' },
        },
      );
      msg.ovh.resourceId.should.equal(CLOUD_INSTANCE);
    });
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

  /**
   * The other task families, each from a write of the real API that answers its task: its states
   * (all four name it `status`), what it ends as, and what else the task says. An SMS receiver
   * list's cleaning answers a report naming its task, not the task: the task is read with a GET,
   * the wait on.
   */
  const families: Array<{
    family: string;
    states: keyof TaskStates;
    course: { first: string; pending: string; done: string; failed: string };
    request: Record<string, unknown>;
    msg: () => Promise<Msg>;
    task: RegExp;
    fields: Record<string, unknown>;
    /** Where the family says its state (default `status`), and the task path's prefix as called (default `/1.0`). */
    statusField?: string;
    prefix?: string;
  }> = [
    {
      family: 'vps.Task (a VPS rebooted)',
      states: 'vps',
      statusField: 'state',
      course: { first: 'todo', pending: 'doing', done: 'done', failed: 'error' },
      request: { method: 'POST', path: '/vps/{serviceName}/reboot' },
      msg: async () => ({ params: { serviceName: sim.data.vps[0] } }),
      task: /^\/vps\/vps-1\.vps\.ovh\.net\/tasks\/\d+$/,
      fields: { type: 'rebootVm' },
    },
    {
      family: 'ip.IpTask (a failover IP moved)',
      states: 'ip',
      course: { first: 'init', pending: 'doing', done: 'done', failed: 'ovhError' },
      request: { method: 'POST', path: '/ip/{ip}/move' },
      msg: async () => ({ params: { ip: '192.0.2.0/24' } }),
      task: /^\/ip\/192\.0\.2\.0%2F24\/task\/\d+$/,
      fields: { action: 'genericMoveFloatingIp' },
    },
    {
      family: '/v2 resource (an IAM policy being made)',
      states: 'resource',
      statusField: 'resourceStatus',
      prefix: '',
      course: { first: 'CREATING', pending: 'CREATING', done: 'READY', failed: 'ERROR' },
      request: { method: 'POST', path: '/v2/iam/policy' },
      msg: async () => ({ payload: { name: 'ops' } }),
      task: /^\/v2\/iam\/policy\/new-policy-\d+$/,
      fields: { name: 'ops' },
    },
    {
      family: 'domain.zone.Task (a zone file imported)',
      states: 'zone',
      course: { first: 'todo', pending: 'doing', done: 'done', failed: 'error' },
      request: { method: 'POST', path: '/domain/zone/{zoneName}/import' },
      msg: async () => ({
        params: { zoneName: 'example.com' },
        payload: { zoneFile: '$ORIGIN example.com.\n@ IN A 203.0.113.10\n' },
      }),
      task: /^\/domain\/zone\/example\.com\/task\/\d+$/,
      fields: { function: 'ZoneImport', doneDate: /^\d{4}-/ },
    },
    {
      family: 'domain.Task (name servers changed)',
      states: 'domain',
      course: { first: 'todo', pending: 'doing', done: 'done', failed: 'error' },
      request: { method: 'POST', path: '/domain/{serviceName}/nameServers/update' },
      msg: async () => ({
        params: { serviceName: 'example.org' },
        payload: { nameServers: [{ host: 'ns1.example.net' }, { host: 'ns2.example.net' }] },
      }),
      task: /^\/domain\/example\.org\/task\/\d+$/,
      fields: { function: 'DomainDnsUpdate', domain: 'example.org', type: 'domain' },
    },
    {
      family: 'cloud.Operation (an instance reinstalled)',
      states: 'cloud',
      course: { first: 'created', pending: 'in-progress', done: 'completed', failed: 'in-error' },
      request: { method: 'POST', path: '/cloud/project/{serviceName}/region/{regionName}/instance/{instanceId}/reinstall' },
      msg: async () => ({
        params: { serviceName: CLOUD_PROJECT, regionName: 'GRA11', instanceId: CLOUD_INSTANCE },
        payload: { imageRegionName: 'GRA11' },
      }),
      task: /^\/cloud\/project\/[0-9a-f]{32}\/operation\/[0-9a-f-]{36}$/,
      fields: { action: 'instance#reinstall', resourceId: CLOUD_INSTANCE, progress: 100, completedAt: /^\d{4}-/ },
    },
    {
      family: 'sms.Task (a receiver list cleaned)',
      states: 'sms',
      course: { first: 'todo', pending: 'doing', done: 'done', failed: 'error' },
      request: { method: 'GET', path: '/sms/{serviceName}/task/{taskId}' },
      msg: async () => {
        const client = clientFor(sim);
        try {
          const report = await client.post<{ taskId: number }>(
            '/sms/{serviceName}/receivers/{slotId}/clean',
            { freemium: true, priceOnly: false },
            { params: { serviceName: 'sms-ab12345-1', slotId: 1 } },
          );
          return { params: { serviceName: 'sms-ab12345-1', taskId: report.taskId } };
        } finally {
          await client.close();
        }
      },
      task: /^\/sms\/sms-ab12345-1\/task\/\d+$/,
      fields: { function: 'cleanSmsReceivers', step: 'finishing' },
    },
  ];

  for (const { family, states, course, request, msg, task, fields, statusField = 'status', prefix = '/1.0' } of families) {
    describe(family, () => {
      const wait = { ...request, wait: 'task' };

      it('sends the task as it ended, read until then and no longer', async () => {
        sim.taskStates[states] = [course.first, course.pending, course.pending, course.done];
        const { msg: out } = await send(wait, await msg());
        out.payload.should.match({ [statusField]: course.done, ...fields });
        out.ovh.task.should.match(task);
        // Three reads move the task from its first state to its last.
        sim.count({ method: 'GET', path: prefix + out.ovh.task }).should.equal(3);
      });

      it('sends the failed task to Catch, the task as payload', async () => {
        sim.taskStates[states] = [course.first, course.pending, course.failed];
        const { msg: out } = await send(wait, await msg());
        out.caught.payload[statusField].should.equal(course.failed);
        // A /v2 resource adds the reasons its tasks give.
        out.caught.error.message.should.match(new RegExp(`ended ${course.failed}(: .+)?$`));
        out.caught.ovh.task.should.match(task);
      });

      it("gives up after the node's own wait, to Catch with the task as last read", async () => {
        sim.taskStates[states] = [course.first, course.pending];
        const { msg: out } = await send({ ...wait, taskTimeout: 1 }, await msg());
        out.caught.error.message.should.match(new RegExp(`was still ${course.pending} when the wait ended`));
        out.caught.payload[statusField].should.equal(course.pending);
      });
    });
  }

  it('passes the SMS cleaning report on as it is: it names a task but is not one', async () => {
    const { msg } = await send(
      { method: 'POST', path: '/sms/{serviceName}/receivers/{slotId}/clean', waitTask: true },
      { params: { serviceName: 'sms-ab12345-1', slotId: 1 }, payload: { freemium: true, priceOnly: false } },
    );
    msg.payload.should.have.keys('taskId', 'totalCreditsRemoved');
    should(msg.ovh.task).be.undefined();
    sim.count({ path: /\/task\// }).should.equal(0);
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
