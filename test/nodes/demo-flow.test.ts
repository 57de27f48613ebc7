/** The flow `npm start` deploys: every button makes its call against the simulator and shows an answer. */
import 'should';
import { OvhSimulator } from '../simulator/simulator';
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

const coreNodes = ['common/20-inject.js', 'common/21-debug.js', 'common/90-comment.js', 'common/25-catch.js'].map(coreNode);

describe('the demo flow of npm start', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));
  useSettings({ ...FAST_TASK_POLLING, ...watchEvery(40) });

  it('answers every button, with values from parameter rows rather than JSON', async () => {
    const flow = demoFlow(demoAccount({ simulatorUrl: sim.url })).map((node) =>
      node.type === 'debug' ? { ...node, type: 'helper' } : node,
    );
    JSON.stringify(flow).should.not.match(/"(vt|payloadType)":"json"/);
    await helper.load([...coreNodes, ...ourNodes], flow, { [DEMO_ACCOUNT_ID]: signatureCredentials(sim).acc });
    const press = async (key: string, debug = `demo-${key}-debug`) => {
      const received = receive(debug);
      helper.getNode(`demo-${key}-inject`).receive({});
      return (await received)[0];
    };
    (await press('me')).payload.nichandle.should.equal('xx1234-ovh');
    (await press('records')).payload.map((r: { id: number }) => r.id).should.containEql(1002);
    (await press('policies')).payload.length.should.equal(23);
    (await press('sms')).payload.ids.length.should.equal(1);
    sim.data.sms['sms-ab12345-1'].jobs.at(-1)!.should.match({ message: 'Hello from Node-RED ✓', receiver: '+33601020304' });
    (await press('reboot')).payload.should.match({ function: 'hardReboot', status: 'done' });
    (await press('error', 'demo-catch-debug')).statusCode.should.equal(404);
    // The watch sends an SMS received after its first check, as its object.
    const incomingReads = () => sim.count({ method: 'GET', path: /\/sms\/sms-ab12345-1\/incoming/ });
    while (incomingReads() === 0) await new Promise((resolve) => setTimeout(resolve, 10)); // its first check
    const received = receive('demo-watch-debug');
    sim.receiveSms('sms-ab12345-1', { sender: '+33601020304', message: 'Got it' });
    (await received)[0].payload.should.match({ message: 'Got it', sender: '+33601020304' });
  });
});
