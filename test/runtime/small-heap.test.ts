/**
 * Answers that weigh far more parsed than sent, on a Node-RED with the heap of a Raspberry Pi
 * (`--max-old-space-size=256`): 8 MB of `[{},{},...]` weighs hundreds of MB once parsed, and
 * parsing one killed such a Node-RED from a watch at deploy, or from one request. Both are refused
 * before they are parsed and reach Catch; Node-RED keeps running, and a plain answer of the same
 * size is read.
 */
import 'should';
import { OvhSimulator } from '../simulator/simulator';
import { DEFAULT_APP } from '../simulator/simulator';
import { startHostileApi, type HostileApi } from '../helpers/hostile-api';
import { deploy, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { watchEvery } from '../helpers/runtime';

const EIGHT_MB_OF_OBJECTS = '[' + '{},'.repeat((8 * 1024 * 1024) / 3) + '{}]';
const EIGHT_MB_OF_TEXT = JSON.stringify(['x'.repeat(8 * 1024 * 1024)]);

describe('a Node-RED with a 256 MB heap, and answers heavy once parsed', function () {
  this.timeout(120_000);
  let sim: OvhSimulator;
  let hostile: HostileApi;
  let nodeRed: StartedNodeRed;

  before(async () => {
    sim = await OvhSimulator.start();
    hostile = await startHostileApi((path) => ({ body: path.endsWith('/text') ? EIGHT_MB_OF_TEXT : EIGHT_MB_OF_OBJECTS }));
    nodeRed = await startNodeRed({ env: { NODE_OPTIONS: '--max-old-space-size=256' }, settings: watchEvery(1000) });
    const at = (id: string, x: number, y: number) => ({ id, z: 'flow', x, y });
    const account = (id: string, url: string) => ({
      id,
      type: 'ovh-credentials',
      name: id.slice(4),
      endpoint: 'custom',
      url,
      authType: 'signature',
      credentialsFrom: 'node',
    });
    // What reaches Catch, and what the text read answers, is told to the simulator's echo route.
    const tell = (id: string, path: string, x: number, y: number) => ({
      ...at(id, x, y),
      type: 'ovh-request',
      account: 'acc-sim',
      method: 'POST',
      path,
      wires: [[]],
    });
    await deploy(
      nodeRed,
      [
        { id: 'flow', type: 'tab', label: 'heavy' },
        account('acc-hostile', hostile.baseUrl),
        account('acc-sim', sim.baseUrl),
        { ...at('watch', 100, 100), type: 'ovh-watch', account: 'acc-hostile', path: '/objects', wires: [[]] },
        { ...at('go', 100, 200), type: 'inject', once: true, onceDelay: 0.5, props: [], wires: [['objects', 'text']] },
        { ...at('objects', 300, 200), type: 'ovh-request', account: 'acc-hostile', method: 'GET', path: '/objects', wires: [[]] },
        { ...at('text', 300, 260), type: 'ovh-request', account: 'acc-hostile', method: 'GET', path: '/text', wires: [['size']] },
        {
          ...at('size', 500, 260),
          type: 'change',
          rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"length": $length(payload[0])}', tot: 'jsonata' }],
          wires: [['tell-read']],
        },
        tell('tell-read', '/echo/read', 700, 260),
        { ...at('caught', 100, 400), type: 'catch', scope: null, uncaught: false, wires: [['reason']] },
        {
          ...at('reason', 300, 400),
          type: 'change',
          rules: [
            {
              t: 'set',
              p: 'payload',
              pt: 'msg',
              to: '{"by": error.source.id, "code": ovh.code, "reason": error.message}',
              tot: 'jsonata',
            },
          ],
          wires: [['tell-caught']],
        },
        tell('tell-caught', '/echo/caught', 500, 400),
      ],
      {
        'acc-hostile': { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: 'hostile-key' },
        'acc-sim': { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: sim.addConsumerKey() },
      },
    );
  });
  after(async () => {
    await nodeRed?.stop();
    await hostile?.close();
    await sim?.close();
  });

  const told = (path: string) =>
    sim.received({ method: 'POST', path }).map((r) => JSON.parse(r.body) as { by: string; reason: string; length: number });

  it('refuses them at Catch, keeps watching, and reads plain text of the same size', async () => {
    const deadline = Date.now() + 60_000;
    while (told('/1.0/echo/caught').filter((c) => c.by === 'watch').length < 2 || told('/1.0/echo/read').length < 1) {
      if (Date.now() > deadline) {
        throw new Error(`waited in vain: ${JSON.stringify(told('/1.0/echo/caught'))}\n${nodeRed.output.join('')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const caught = told('/1.0/echo/caught');
    const from = (id: string) => caught.filter((c) => c.by === id);
    from('watch')[0].reason.should.match(/would take about \d+ MB of memory once read/);
    from('objects').length.should.equal(1);
    from('objects')[0].reason.should.match(/would take about \d+ MB of memory once read/);
    told('/1.0/echo/read')[0].length.should.equal(8 * 1024 * 1024);
    nodeRed.output.join('').should.not.match(/heap out of memory|FATAL ERROR|Unhandled/i);
  });
});
