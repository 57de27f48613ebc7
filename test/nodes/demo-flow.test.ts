/** The flow `npm start` deploys: every button makes its call against the simulator and shows an answer. */
import 'should';
import { OvhSimulator } from '../simulator/simulator';
import { coreNode, helper, ourNodes, receive, signatureCredentials, useRuntime } from '../helpers/node-red';
import { demoAccount, demoFlow, DEMO_ACCOUNT_ID } from '../playground/demo-flow';

const coreNodes = ['common/20-inject.js', 'common/21-debug.js', 'common/90-comment.js', 'common/25-catch.js'].map(coreNode);

describe('the demo flow of npm start', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));

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
    (await press('error', 'demo-catch-debug')).statusCode.should.equal(404);
  });
});
