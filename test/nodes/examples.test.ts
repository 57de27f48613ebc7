import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { OvhSimulator } from '../simulator/simulator';
import { repoRoot } from '../helpers';
import { gatherCalls, type FlowNode } from '../../editor/flow-calls';
import {
  coreNode,
  handled,
  helper,
  logLines,
  ourNodes,
  receive,
  signatureCredentials,
  useRuntime,
  type Msg,
} from '../helpers/node-red';

// The core nodes the examples use, loaded from the Node-RED the tests run (catch comes with the helper).
const coreNodes = [
  'common/20-inject.js',
  'common/21-debug.js',
  'common/90-comment.js',
  'function/15-change.js',
  'function/10-switch.js',
  'function/89-delay.js',
  'function/rbe.js',
  'network/21-httprequest.js',
].map(coreNode);

const examplesDir = path.join(repoRoot, 'examples');

/**
 * An example as a user imports it, pointed at the simulator: its account gets the simulator's
 * URL and keys, and each debug node becomes a helper node the test can listen to.
 */
function prepare(
  file: string,
  sim: OvhSimulator,
  adapt: (node: Record<string, unknown>) => Record<string, unknown> = (node) => node,
): Array<Record<string, unknown>> {
  const flow = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as Array<Record<string, unknown>>;
  return [
    { id: 'flow', type: 'tab', label: file },
    ...flow.map((node) => {
      if (node.type === 'ovh-credentials') return { ...node, endpoint: 'custom', url: sim.baseUrl };
      const placed = adapt({ ...node, z: 'flow' });
      return placed.type === 'debug' ? { ...placed, type: 'helper' } : placed;
    }),
  ];
}

/** A loopback HTTP server answering what `answer` gives, as text: a stand-in for a public service. */
async function textServer(answer: () => string): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(answer());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function byName(flow: Array<Record<string, unknown>>, type: string, name: string): string {
  const node = flow.find((n) => n.type === type && n.name === name);
  if (!node) throw new Error(`no ${type} named ${name}`);
  return node.id as string;
}

describe('examples', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));
  // An example deploys and runs without a warning from a node (rows no placeholder holds, body rows unused...).
  afterEach(function () {
    if (this.currentTest?.state !== 'passed' || !helper.log()) return; // failed, or loaded nothing
    logLines()
      .filter((line) => line.level === 30 && line.type !== undefined)
      .should.eql([]);
  });

  /** Loads an example pointed at the simulator (each node first through `adapt`). */
  const load = async (file: string, adapt?: Parameters<typeof prepare>[2]): Promise<Array<Record<string, unknown>>> => {
    const flow = prepare(file, sim, adapt);
    const account = flow.find((n) => n.type === 'ovh-credentials')!;
    await helper.load([...ourNodes, ...coreNodes], flow, { [account.id as string]: signatureCredentials(sim).acc });
    return flow;
  };
  /** Clicks an inject node's button (with `msg`, e.g. other values as `__user_inject_props__`). */
  const click = (flow: Array<Record<string, unknown>>, injectName: string, msg: Msg = {}) =>
    helper.getNode(byName(flow, 'inject', injectName)).receive(msg);
  /** The next msgs a debug node gets. */
  const debugged = (flow: Array<Record<string, unknown>>, debugName: string, count = 1) =>
    receive(byName(flow, 'helper', debugName), count);

  const run = async (
    file: string,
    injectName: string,
    debugName: string,
    count = 1,
  ): Promise<{ msgs: Msg[]; flow: Array<Record<string, unknown>> }> => {
    const flow = await load(file);
    const received = debugged(flow, debugName, count);
    click(flow, injectName);
    return { msgs: await received, flow };
  };

  it('has one example per documented use, each a valid flow of known node types', () => {
    const files = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json'));
    files.length.should.equal(15);
    const known = new Set([
      'ovh-credentials',
      'ovh-request',
      'ovh-watch',
      'inject',
      'debug',
      'comment',
      'change',
      'catch',
      'switch',
      'rbe',
      'http request',
      'delay',
    ]);
    // The FlowFuse Dashboard 2.0 nodes, in the dashboard example only (test/browser/dashboard.test.ts runs it).
    const dashboard = [
      'ui-base',
      'ui-theme',
      'ui-page',
      'ui-group',
      'ui-table',
      'ui-text',
      'ui-button',
      'ui-chart',
      'ui-notification',
      'ui-template',
    ];
    for (const file of files) {
      const flow = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as Array<Record<string, unknown>>;
      const types = file.includes('FlowFuse Dashboard') ? new Set([...known, ...dashboard]) : known;
      flow.forEach((n) => types.has(n.type as string).should.be.true(`${file}: ${String(n.type)}`));
      flow.filter((n) => n.type === 'ovh-credentials').length.should.equal(1, file);
      flow.filter((n) => n.type === 'comment').length.should.be.above(0, file);
      JSON.stringify(flow).should.not.match(/"credentials"/);
      // Values are rows, properties and expressions: no JSON typed anywhere.
      JSON.stringify(flow).should.not.match(/"(vt|valueType|payloadType|tot)":"json"/, file);
    }
  });

  it('01 reads /me', async () => {
    const { msgs } = await run('01 Read my account (GET me).json', 'read /me', 'account');
    msgs[0].payload.nichandle.should.equal('xx1234-ovh');
  });

  it('02 updates a DNS record, then refreshes the zone', async () => {
    const refreshes = sim.data.zones['example.com'].refreshes;
    const { msgs, flow } = await run('02 Update a DNS record then refresh the zone.json', 'www -> 203.0.113.7', 'zone refreshed');
    // Built in the dialogs alone: parameter rows, no change or function node, no JSON typed anywhere.
    flow.filter((n) => n.type === 'change' || n.type === 'function').should.eql([]);
    JSON.stringify(flow).should.not.match(/"(vt|valueType|payloadType)":"json"/);
    flow
      .filter((n) => n.type === 'ovh-request')
      .every((n) => Array.isArray(n.parameters))
      .should.be.true();
    msgs[0].statusCode.should.equal(200);
    sim.data.zones['example.com'].records.find((r) => r.id === 1002)!.target.should.equal('203.0.113.7');
    sim.data.zones['example.com'].refreshes.should.equal(refreshes + 1);
  });

  it('03 sends an SMS', async () => {
    const { msgs } = await run('03 Send an SMS.json', 'send', 'job ids');
    msgs[0].payload.ids.length.should.equal(1);
    sim.data.sms['sms-ab12345-1'].jobs.at(-1)!.should.match({ message: 'Backup finished ✓', receiver: '+33601020304' });
  });

  it('04 lists dedicated servers with their details', async () => {
    const { msgs } = await run('04 List dedicated servers with details (expand).json', 'list', 'servers');
    msgs[0].payload.length.should.equal(12);
    msgs[0].payload[0].should.have.properties(['name', 'datacenter', 'state']);
  });

  it('05 reads IAM policies across pages', async () => {
    const { msgs } = await run('05 IAM policies across pages (v2).json', 'list', 'policies');
    msgs[0].payload.length.should.equal(23);
  });

  it('06 sends an API error to Catch, and to a second output', async () => {
    const caught = await run('06 Handle API errors.json', 'unknown zone', 'caught');
    caught.msgs[0].statusCode.should.equal(404);
    caught.msgs[0].error.message.should.match(/404 Client::NotFound/);
    await helper.unload();
    await load('06 Handle API errors.json');
    const failure = receive('c6000000000000aa');
    helper.getNode('c6000000000000a7').receive({});
    const msg = (await failure)[0];
    msg.error.statusCode.should.equal(404);
    msg.payload.class.should.equal('Client::NotFound');
  });

  it('07 updates an A record when the public IP changes, creating it when missing (DynHost)', async () => {
    const file = '07 DynHost through the API.json';
    const zone = sim.data.zones['example.com'];
    const home = () => zone.records.filter((r) => r.subDomain === 'home' && r.fieldType === 'A');
    const apiCalls = () => sim.count({ path: /^\/1\.0\/domain\// });
    let ip = '198.51.100.1';
    const ipify = await textServer(() => ip);
    const records = zone.records.map((r) => ({ ...r }));
    try {
      const refreshes = zone.refreshes;
      // The http request node asks the loopback server instead of api.ipify.org.
      const flow = await load(file, (n) => (n.type === 'http request' ? { ...n, url: ipify.url } : n));
      // Once at deploy: no record yet, so it is created.
      const [created] = await debugged(flow, 'zone refreshed');
      created.ip.should.equal('198.51.100.1');
      home().should.match([{ target: '198.51.100.1', ttl: 60 }]);
      zone.refreshes.should.equal(refreshes + 1);
      sim.count({ method: 'POST', path: '/1.0/domain/zone/example.com/record' }).should.equal(1);

      // The same IP again: the filter stops it, no API call.
      const before = apiCalls();
      const filter = byName(flow, 'rbe', 'only a new IP');
      let filtered = handled(filter);
      click(flow, 'every 5 minutes');
      (await filtered).sent.should.equal(0);
      ipify.hits().should.equal(2);
      apiCalls().should.equal(before);

      // A new IP: the record found is updated, not created again.
      ip = '198.51.100.2';
      const updated = debugged(flow, 'zone refreshed');
      click(flow, 'every 5 minutes');
      await updated;
      home().should.match([{ target: '198.51.100.2' }]);
      zone.refreshes.should.equal(refreshes + 2);
      sim.count({ method: 'PUT', path: /^\/1\.0\/domain\/zone\/example\.com\/record\/\d+$/ }).should.equal(1);

      // A failed update makes the filter forget the IP: the next check, with the same IP, tries again.
      ip = '198.51.100.3';
      sim.injectFault({ kind: 'status', status: 400, method: 'PUT', path: '/1.0/domain/zone/example.com/record/' });
      filtered = handled(filter, 2); // the IP, then the reset from the Catch node
      click(flow, 'every 5 minutes');
      (await filtered).sent.should.equal(1);
      home()[0].target.should.equal('198.51.100.2');
      const retried = debugged(flow, 'zone refreshed');
      click(flow, 'every 5 minutes');
      await retried;
      home().should.match([{ target: '198.51.100.3' }]);
    } finally {
      zone.records = records;
      await ipify.close();
    }
  });

  it('08 publishes an ACME DNS-01 challenge, keeps its record id by token, then removes it', async () => {
    const zone = sim.data.zones['example.com'];
    const records = zone.records.map((r) => ({ ...r }));
    const challenges = () => zone.records.filter((r) => r.fieldType === 'TXT' && r.subDomain.startsWith('_acme-challenge'));
    const token = 'gfj9Xq-Rg85nM_YkBRtrqs5hCDk4Z0MNMKLwVcUDOmQ';
    /** Other values than the inject node's, as a second call of an ACME client's hook brings. */
    const values = (props: Record<string, string>): Msg => ({
      __user_inject_props__: [
        { p: 'zone', v: 'example.com', vt: 'str' },
        ...Object.entries(props).map(([p, v]) => ({ p, v, vt: 'str' })),
      ],
    });
    try {
      const refreshes = zone.refreshes;
      const flow = await load('08 ACME DNS-01 challenge.json');
      const kept = () =>
        helper
          .getNode(byName(flow, 'change', 'keep its id'))
          .context()
          .flow.get('acme') as Record<string, number>;
      const step = async (inject: string, debug: string, msg?: Msg) => {
        const done = debugged(flow, debug);
        click(flow, inject, msg);
        return (await done)[0];
      };

      await step('add challenge', 'challenge published');
      challenges().should.match([{ subDomain: '_acme-challenge.www', target: token, ttl: 60 }]);
      kept().should.eql({ [token]: challenges()[0].id });
      zone.refreshes.should.equal(refreshes + 1);
      // The same name for a wildcard, and the zone itself: one record each, each id kept by its token.
      await step('add challenge', 'challenge published', values({ subDomain: 'www', token: 'second-token' }));
      await step('add challenge', 'challenge published', values({ subDomain: '', token: 'apex-token' }));
      challenges()
        .map((r) => [r.subDomain, r.target])
        .should.eql([
          ['_acme-challenge.www', token],
          ['_acme-challenge.www', 'second-token'],
          ['_acme-challenge', 'apex-token'],
        ]);
      Object.keys(kept()).should.eql([token, 'second-token', 'apex-token']);

      await step('remove challenge', 'challenge removed');
      challenges()
        .map((r) => r.target)
        .should.eql(['second-token', 'apex-token']);
      kept().should.not.have.property(token);
      await step('remove challenge', 'challenge removed', values({ token: 'second-token' }));
      await step('remove challenge', 'challenge removed', values({ token: 'apex-token' }));
      challenges().should.eql([]);
      kept().should.eql({});
      zone.refreshes.should.equal(refreshes + 6);
      sim.count({ method: 'DELETE' }).should.equal(3);
    } finally {
      zone.records = records;
    }
  });

  describe('waiting for a task', () => {
    before(() => helper.settings({ ovhRequestTaskPolling: { firstMs: 20, largestMs: 40 } }));
    after(() => helper.settings({}));

    it('09 reboots a server and sends the task once done; a failed task goes to Catch', async () => {
      const taskReads = () =>
        sim.count({ method: 'GET', path: /^\/1\.0\/dedicated\/server\/ns3000001\.ip-203-0-113\.eu\/task\/\d+$/ });
      const { msgs, flow } = await run('09 Reboot a server and wait until done.json', 'reboot', 'reboot done');
      msgs[0].payload.should.match({ function: 'hardReboot', status: 'done' });
      msgs[0].ovh.task.should.match(/^\/dedicated\/server\/ns3000001\.ip-203-0-113\.eu\/task\/\d+$/);
      sim.count({ method: 'POST', path: '/1.0/dedicated/server/ns3000001.ip-203-0-113.eu/reboot' }).should.equal(1);
      taskReads().should.equal(sim.taskStates.server.length - 1); // init -> todo -> doing -> done

      const states = sim.taskStates.server;
      sim.taskStates.server = ['init', 'doing', 'customerError'];
      try {
        const failed = debugged(flow, 'failed task');
        click(flow, 'reboot');
        const [msg] = await failed;
        msg.payload.status.should.equal('customerError');
        msg.error.message.should.match(/ended customerError/);
      } finally {
        sim.taskStates.server = states;
      }
    });

    it('10 moves a failover IP, waits for the task, then reads where it is routed', async () => {
      const block = sim.data.ips['192.0.2.0/24'];
      const routedTo = block.routedTo;
      try {
        const { msgs } = await run('10 Move a failover IP and wait.json', 'move 192.0.2.0/24', 'routed to');
        msgs[0].payload.should.match({ ip: '192.0.2.0/24', routedTo: { serviceName: 'ns3000002.ip-203-0-113.eu' } });
        block.should.match({ routedTo: { serviceName: 'ns3000002.ip-203-0-113.eu' } });
        const [move] = sim.received({ method: 'POST', path: '/1.0/ip/192.0.2.0%2F24/move' });
        JSON.parse(move.body).should.eql({ to: 'ns3000002.ip-203-0-113.eu' });
        sim
          .count({ method: 'GET', path: /^\/1\.0\/ip\/192\.0\.2\.0%2F24\/task\/\d+$/ })
          .should.equal(sim.taskStates.ip.length - 1);
      } finally {
        block.routedTo = routedTo;
      }
    });
  });

  describe('watching', () => {
    before(() => helper.settings({ ovhWatchIntervalMs: 40 }));
    after(() => helper.settings({}));

    /** Resolves once `count()` has grown by `n`: the watch has checked `n` more times. */
    const checks = async (count: () => number, n: number) => {
      const target = count() + n;
      while (count() < target) await new Promise((resolve) => setTimeout(resolve, 5));
    };

    it("11 sends an SMS when a dedicated server's state turns other than ok, and only then", async () => {
      const name = 'ns3000001.ip-203-0-113.eu';
      const server = sim.data.servers[name];
      const jobs = sim.data.sms['sms-ab12345-1'].jobs;
      const sent = jobs.length;
      const reads = () => sim.count({ method: 'GET', path: `/1.0/dedicated/server/${name}` });
      try {
        const flow = await load('11 SMS when a dedicated server stops answering.json');
        await checks(reads, 1); // the first check only remembers
        // Another field changes: nothing is sent.
        server.monitoring = false;
        await checks(reads, 2);
        jobs.length.should.equal(sent);

        const sms = debugged(flow, 'SMS sent');
        server.state = 'error';
        const [msg] = await sms;
        msg.payload.validReceivers.should.eql(['+33601020304']);
        jobs.length.should.equal(sent + 1);
        jobs.at(-1)!.should.match({ receiver: '+33601020304', message: `Server ${name} is error (was ok)` });

        // Back to ok: the switch lets nothing through.
        server.state = 'ok';
        await checks(reads, 2);
        jobs.length.should.equal(sent + 1);
        sim.count({ method: 'POST' }).should.equal(1);
      } finally {
        Object.assign(server, { state: 'ok', monitoring: true });
      }
    });

    it('12 sends each SMS received once, and answers it unless it says STOP', async () => {
      const service = 'sms-ab12345-1';
      const { jobs, incoming } = sim.data.sms[service];
      const sent = jobs.length;
      const received = incoming.length;
      const reads = () => sim.count({ method: 'GET', path: `/1.0/sms/${service}/incoming` });
      try {
        const flow = await load('12 Trigger on an incoming SMS.json');
        await checks(reads, 1); // what is already there is only remembered
        jobs.length.should.equal(sent);

        const got = debugged(flow, 'received');
        const answered = debugged(flow, 'answered');
        sim.receiveSms(service, { sender: '+33611223344', message: 'Is the backup done?' });
        const [msg] = await got;
        msg.payload.should.match({ sender: '+33611223344', message: 'Is the backup done?' });
        msg.ovh.event.should.equal('added');
        await answered;
        jobs.at(-1)!.should.match({ receiver: '+33611223344', message: 'Thank you, your message was received.' });

        // A STOP is shown, and not answered.
        const stop = debugged(flow, 'received');
        const checked = handled(byName(flow, 'switch', 'not STOP?'));
        sim.receiveSms(service, { sender: '+33655443322', message: 'stop ' });
        (await stop)[0].payload.sender.should.equal('+33655443322');
        (await checked).sent.should.equal(0);
        await checks(reads, 2);
        jobs.length.should.equal(sent + 1);

        // Another SMS soon after is shown, but not answered: one answer in 10 minutes at most, so two
        // automatic answerers cannot answer each other for ever.
        const soon = debugged(flow, 'received');
        sim.receiveSms(service, { sender: '+33699887766', message: 'Thanks!' });
        await soon;
        await checks(reads, 2);
        jobs.length.should.equal(sent + 1);
        // Read as a page of objects each check, never one call per SMS.
        sim.count({ method: 'GET', path: new RegExp(`^/1\\.0/sms/${service}/incoming/`) }).should.equal(0);
      } finally {
        incoming.length = received;
      }
    });
  });

  it("13 sums what this month's bills come to, with tax", async () => {
    const monthStart = new Date().toISOString().slice(0, 8) + '01';
    const thisMonth = sim.data.bills.filter((b) => Date.parse(b.date) >= Date.parse(monthStart));
    thisMonth.length.should.be.above(0);
    sim.data.bills.length.should.be.above(thisMonth.length); // earlier bills are left out
    const expected = Math.round(thisMonth.reduce((sum, b) => sum + b.priceWithTax.value, 0) * 100) / 100;

    const { msgs } = await run('13 Sum the bills of this month.json', 'this month', 'total');
    msgs[0].payload.should.equal(expected);
    msgs[0].bills.should.equal(thisMonth.length);
    const [list] = sim.received({ method: 'GET', path: '/1.0/me/bill' });
    list.search.should.equal(`date.from=${monthStart}`);
    sim.count({ method: 'GET', path: /^\/1\.0\/me\/bill\// }).should.equal(0); // the bills read as objects, in one call
  });

  it('15 reads with an OAuth2 service account once the IAM policy made from its flow allows it', async () => {
    const file = '15 OAuth2 service account with its IAM policy.json';
    const [clientId, clientSecret] = ['example-robot', 'exampleRobotSecret0000000000001'];
    const identity = sim.addServiceAccount(clientId, clientSecret);
    const flow = prepare(file, sim).map((n) => (n.type === 'ovh-credentials' ? { ...n, tokenUrl: sim.tokenUrl } : n));
    const account = flow.find((n) => n.type === 'ovh-credentials')!;
    account.authType!.should.equal('oauth2');
    // The user's consumer-key account, through which the account's dialog creates the policy.
    const owner = { id: 'owner', type: 'ovh-credentials', endpoint: 'custom', url: sim.baseUrl, authType: 'signature' };
    await helper.load([...ourNodes, ...coreNodes], [...flow, owner], {
      [account.id as string]: { clientId, clientSecret },
      owner: signatureCredentials(sim).acc,
    });
    const refused = debugged(flow, 'IAM action missing');
    click(flow, 'read');
    (await refused)[0].payload.details.unauthorizedActionsByIAM.should.equal('dnsZone:apiovh:record/get');

    // As the dialog does it: the flow's calls, the zone chosen, created through the owner's account once confirmed.
    const { calls } = gatherCalls(flow as unknown as FlowNode[], account.id as string, (n) => n.id);
    const zone = 'urn:v1:eu:resource:dnsZone:example.com';
    const res = await helper
      .request()
      .post('/ovh-credentials/iam/create-policy')
      .send({ account: account.id, through: 'owner', calls, resources: [zone], confirmed: true });
    res.status.should.equal(200, res.text);
    // The policy the example's comment shows, its placeholders filled.
    const comment = flow.find((n) => n.type === 'comment')!;
    const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(comment.info as string)![1]);
    res.body.policy.should.eql({ ...shown, name: `node-red-${clientId}`, identities: [identity] });

    const answered = debugged(flow, 'record ids');
    click(flow, 'read');
    (await answered)[0].payload.should.containEql(1001);
  });
});
