/**
 * ovh-watch's memory across a real restart: Node-RED started as a user runs it, with a
 * persistent context store; items there before the restart are not sent again, an item added
 * while Node-RED was stopped is sent once.
 */
import fs from 'node:fs';
import 'should';
import { OvhSimulator } from '../simulator/simulator';
import { DEFAULT_APP } from '../simulator/simulator';
import { deploy, makeUserDir, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { watchEvery } from '../helpers/runtime';

describe('ovh-watch across a Node-RED restart', function () {
  this.timeout(120_000);
  let sim: OvhSimulator;
  let userDir: string;
  let nodeRed: StartedNodeRed | undefined;
  before(async () => {
    sim = await OvhSimulator.start();
    userDir = makeUserDir();
  });
  after(async () => {
    await nodeRed?.stop();
    await sim.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  const start = () =>
    startNodeRed({
      userDir,
      settings: { contextStorage: { default: { module: 'localfilesystem' } }, ...watchEvery(50) },
    });
  const recordsRead = () => sim.count({ method: 'GET', path: /\/domain\/zone\/example\.com\/record$/ });
  /** The ids the flow passed on: each new record is POSTed to the simulator's echo route. */
  const seen = () => sim.received({ method: 'POST', path: '/1.0/echo/seen' }).map((r) => JSON.parse(r.body) as number);
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; seen ${JSON.stringify(seen())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const addRecord = (id: number) =>
    sim.data.zones['example.com'].records.push({
      id,
      zone: 'example.com',
      fieldType: 'A',
      subDomain: `r${id}`,
      target: '203.0.113.5',
      ttl: 0,
    });

  it('sends only what was added while Node-RED was stopped', async () => {
    nodeRed = await start();
    await deploy(
      nodeRed,
      [
        { id: 'flow', type: 'tab', label: 'watch' },
        {
          id: 'acc',
          type: 'ovh-credentials',
          name: 'sim',
          endpoint: 'custom',
          url: sim.baseUrl,
          authType: 'signature',
          credentialsFrom: 'node',
        },
        {
          id: 'watch',
          type: 'ovh-watch',
          z: 'flow',
          x: 100,
          y: 100,
          account: 'acc',
          path: '/domain/zone/example.com/record',
          wires: [['tell']],
        },
        {
          id: 'tell',
          type: 'ovh-request',
          z: 'flow',
          x: 300,
          y: 100,
          account: 'acc',
          method: 'POST',
          path: '/echo/seen',
          wires: [[]],
        },
      ],
      { acc: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: sim.addConsumerKey() } },
    );
    await until(() => recordsRead() >= 2, 'the first checks');
    seen().should.eql([]);
    addRecord(7001);
    await until(() => seen().length === 1, 'record 7001');
    await nodeRed.stop();
    nodeRed = undefined;

    addRecord(7002); // while Node-RED is stopped
    const readsBefore = recordsRead();
    nodeRed = await start();
    await until(() => seen().length === 2, 'record 7002 after the restart');
    await until(() => recordsRead() >= readsBefore + 3, 'more checks');
    seen().should.eql([7001, 7002]);
  });
});
