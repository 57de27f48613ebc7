import fs from 'node:fs';
import path from 'node:path';
import { OvhSimulator } from '../simulator/simulator';
import { repoRoot } from '../helpers';
import { coreNode, helper, ourNodes, receive, signatureCredentials, useRuntime, type Msg } from '../helpers/node-red';

// The core nodes the examples use, loaded from the Node-RED the tests run.
const coreNodes = ['common/20-inject.js', 'common/21-debug.js', 'common/90-comment.js', 'function/15-change.js'].map(coreNode);

const examplesDir = path.join(repoRoot, 'examples');

/**
 * An example as a user imports it, pointed at the simulator: its account gets the simulator's
 * URL and keys, and each debug node becomes a helper node the test can listen to.
 */
function prepare(file: string, sim: OvhSimulator): Array<Record<string, unknown>> {
  const flow = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as Array<Record<string, unknown>>;
  return [
    { id: 'flow', type: 'tab', label: file },
    ...flow.map((node) => {
      if (node.type === 'ovh-credentials') return { ...node, endpoint: 'custom', url: sim.baseUrl };
      const placed = { ...node, z: 'flow' };
      return node.type === 'debug' ? { ...placed, type: 'helper' } : placed;
    }),
  ];
}

function byName(flow: Array<Record<string, unknown>>, type: string, name: string): string {
  const node = flow.find((n) => n.type === type && n.name === name);
  if (!node) throw new Error(`no ${type} named ${name}`);
  return node.id as string;
}

describe('examples', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));

  const run = async (
    file: string,
    injectName: string,
    debugName: string,
    count = 1,
  ): Promise<{ msgs: Msg[]; flow: Array<Record<string, unknown>> }> => {
    const flow = prepare(file, sim);
    const account = flow.find((n) => n.type === 'ovh-credentials')!;
    const credentials = signatureCredentials(sim);
    await helper.load([...ourNodes, ...coreNodes], flow, { [account.id as string]: credentials.acc });
    const received = receive(byName(flow, 'helper', debugName), count);
    helper.getNode(byName(flow, 'inject', injectName)).receive({});
    return { msgs: await received, flow };
  };

  it('has one example per documented use, each a valid flow of known node types', () => {
    const files = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json'));
    files.length.should.equal(7);
    const known = new Set(['ovh-credentials', 'ovh-request', 'inject', 'debug', 'comment', 'change', 'catch']);
    // The FlowFuse Dashboard 2.0 nodes, in the dashboard example only (test/browser/dashboard.test.ts runs it).
    const dashboard = new Set([
      'ui-base',
      'ui-theme',
      'ui-page',
      'ui-group',
      'ui-table',
      'ui-text',
      'ui-chart',
      'ui-notification',
      'switch',
    ]);
    for (const file of files) {
      const flow = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as Array<Record<string, unknown>>;
      const types = file.includes('FlowFuse Dashboard') ? new Set([...known, ...dashboard]) : known;
      flow.forEach((n) => types.has(n.type as string).should.be.true(`${file}: ${String(n.type)}`));
      flow.filter((n) => n.type === 'ovh-credentials').length.should.equal(1, file);
      JSON.stringify(flow).should.not.match(/"credentials"/);
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
    const flow = prepare('06 Handle API errors.json', sim);
    const account = flow.find((n) => n.type === 'ovh-credentials')!;
    await helper.load([...ourNodes, ...coreNodes], flow, { [account.id as string]: signatureCredentials(sim).acc });
    const failure = receive('c6000000000000aa');
    helper.getNode('c6000000000000a7').receive({});
    const msg = (await failure)[0];
    msg.error.statusCode.should.equal(404);
    msg.payload.class.should.equal('Client::NotFound');
  });
});
