/** The flow `npm start` deploys: every button makes its call against the simulator and shows an answer. */
import 'should';
import { OvhSimulator } from '../simulator/simulator';
import { setOvhVariables } from '../helpers';
import {
  coreNode,
  helper,
  ourNodes,
  receive,
  signatureCredentials,
  useRuntime,
  useSettings,
  FAST_TASK_POLLING,
  watchEvery,
} from '../helpers/node-red';
import { demoAccount, demoFlow, DEMO_ACCOUNT_ID } from '../playground/demo-flow';

const coreNodes = [
  'common/20-inject.js',
  'common/21-debug.js',
  'common/90-comment.js',
  'common/25-catch.js',
  'network/21-httprequest.js',
].map(coreNode);
type FlowNode = Record<string, unknown>;
/** The flow with helper nodes in place of its debug nodes, to read what each one is given. */
const withHelpers = (flow: FlowNode[]) => flow.map((node) => (node.type === 'debug' ? { ...node, type: 'helper' } : node));
/** Presses an inject's button; resolves with what the debug node (helper) after it is given. */
const press = async (key: string, debug = `demo-${key}-debug`) => {
  const received = receive(debug);
  helper.getNode(`demo-${key}-inject`).receive({});
  return (await received)[0];
};

describe('the demo flow of npm start', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));
  useSettings({ ...FAST_TASK_POLLING, ...watchEvery(40) });

  it('answers every button, with values from parameter rows rather than JSON', async () => {
    const flow = withHelpers(demoFlow(demoAccount({ simulatorUrl: sim.url })));
    JSON.stringify(flow).should.not.match(/"(vt|payloadType)":"json"/);
    await helper.load([...coreNodes, ...ourNodes], flow, { [DEMO_ACCOUNT_ID]: signatureCredentials(sim).acc });
    (await press('me')).payload.nichandle.should.equal('xx1234-ovh');
    (await press('records')).payload.map((r: { id: number }) => r.id).should.containEql(1002);
    (await press('policies')).payload.length.should.equal(23);
    (await press('sms')).payload.ids.length.should.equal(1);
    sim.data.sms['sms-ab12345-1'].jobs.at(-1)!.should.match({ message: 'Hello from Node-RED ✓', receiver: '+33601020304' });
    (await press('reboot')).payload.should.match({ function: 'hardReboot', status: 'done' });
    (await press('error', 'demo-catch-debug')).statusCode.should.equal(404);
    // "Simulate an incoming SMS": the simulator receives it, and the watch sends it as its object.
    const incomingReads = () => sim.count({ method: 'GET', path: /\/sms\/sms-ab12345-1\/incoming/ });
    while (incomingReads() === 0) await new Promise((resolve) => setTimeout(resolve, 10)); // its first check
    const watched = receive('demo-watch-debug');
    (await press('incoming-sms')).statusCode.should.equal(201);
    (await watched)[0].payload.should.match({ message: 'Is the server back up?', sender: '+33611223344' });
    sim.data.sms['sms-ab12345-1'].incoming.at(-1)!.message.should.equal('Is the server back up?');
  });

  describe('pointed at a real endpoint (keys from the OVH_* variables)', () => {
    let restore: (() => void) | undefined;
    /** The simulator stands in for the real API: a key that may read /me and IAM policies, not bills. */
    beforeEach(() => {
      restore = setOvhVariables({
        OVH_ENDPOINT: sim.baseUrl,
        OVH_APPLICATION_KEY: signatureCredentials(sim).acc.appKey,
        OVH_APPLICATION_SECRET: signatureCredentials(sim).acc.appSecret,
        OVH_CONSUMER_KEY: sim.addConsumerKey([
          { method: 'GET', path: '/me' },
          { method: 'GET', path: '/v2/iam/policy' },
          { method: 'GET', path: '/domain/zone/*' },
        ]),
      });
    });
    afterEach(() => restore?.());

    it("leaves out the simulator's made-up account and its control; the rest answers", async () => {
      const flow = demoFlow(demoAccount({ fromEnvironment: true }));
      JSON.stringify(flow).should.not.match(/example\.com|sms-ab12345-1|_simulator|ns3000001/);
      flow
        .filter((n) => n.type === 'inject')
        .map((n) => n.id)
        .should.eql(['demo-me-inject', 'demo-policies-inject', 'demo-error-inject']);
      await helper.load([...coreNodes, ...ourNodes], withHelpers(flow));
      (await press('me')).payload.nichandle.should.equal('xx1234-ovh');
      (await press('policies')).payload.length.should.equal(23);
      (await press('error', 'demo-catch-debug')).statusCode.should.equal(404);
    });

    it("sends the watch's failures to Catch, whose debug node says it in its status, as the watch does", async () => {
      const flow = demoFlow(demoAccount({ fromEnvironment: true }));
      // The debug node after Catch is a real one here, to read its status; the first check is
      // answered slowly, so that the statuses are listened to before it fails.
      sim.injectFault({ kind: 'slow', path: '/1.0/me/bill', delayMs: 500 });
      await helper.load(
        [...coreNodes, ...ourNodes],
        flow.map((node) => (node.type === 'debug' && node.id !== 'demo-catch-debug' ? { ...node, type: 'helper' } : node)),
      );
      /** The first status the node shows that matches `text`. */
      const statusOf = (id: string, text: RegExp) =>
        new Promise<{ fill: string; text: string }>((resolve, reject) => {
          const node = helper.getNode(id);
          const timer = setTimeout(() => reject(new Error(`${id} never showed ${text}`)), 10_000);
          const listener = (call: { args: Array<{ fill: string; text: string }> }) => {
            if (!text.test(String(call.args[0]?.text))) return;
            clearTimeout(timer);
            node.removeListener('call:status', listener);
            resolve(call.args[0]);
          };
          node.on('call:status', listener);
        });
      // It fails at each check (the test helper's RED._ answers the key).
      const [debugStatus, watchStatus] = await Promise.all([
        statusOf('demo-catch-debug', /^New bills: /),
        statusOf('demo-watch', /failed/),
      ]);
      debugStatus.text.should.equal('New bills: 403');
      watchStatus.fill.should.equal('red');
      flow.find((n) => n.id === 'demo-catch-debug')!.should.match({ active: true, tosidebar: true });
    });
  });
});
