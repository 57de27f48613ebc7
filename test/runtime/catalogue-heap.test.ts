/**
 * A read-only user's word search against a hostile API, in a Node-RED started with the small
 * heap of a Raspberry Pi (`--max-old-space-size=256`): families of 12 MB, families made to
 * weigh twenty times their text once parsed, families of 4 MB of operations. Node-RED must
 * keep running and answering.
 */
import 'should';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OvhSimulator } from '../simulator/simulator';
import { startSimulator } from '../helpers';
import { heavyFamily } from '../helpers/full-api';
import { admin, deploy, login, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { accountNode, signatureCredentials } from '../helpers/node-red';

const MIB = 1024 * 1024;

describe('a started Node-RED with a small heap, searching a hostile API', function () {
  this.timeout(180_000);
  let sim: OvhSimulator;
  let nodeRed: StartedNodeRed;
  let api: http.Server;
  const asked: string[] = [];

  before(async () => {
    // One text per kind, served under every name of its kind: the server holds three.
    const kinds = [
      heavyFamily('/h0', 12 * MIB), // over the 8 MiB a document may weigh
      `{"apis":[${'{},'.repeat(Math.floor((8 * MIB - 20) / 3) - 1)}{}]}`, // just under it, 20 times as heavy parsed
      heavyFamily('/h0', 4 * MIB), // as large as /cloud, all of it operations
    ];
    const index = JSON.stringify({ apis: Array.from({ length: 300 }, (_v, i) => ({ path: `/h${i}` })) });
    api = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      const family = /^\/1\.0\/h(\d+)\.json$/.exec(req.url ?? '');
      const body = req.url === '/1.0/' ? index : family ? kinds[Number(family[1]) % 3] : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(body ?? '{"message":"not found"}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    sim = await startSimulator();
    nodeRed = await startNodeRed({
      users: [
        { username: 'admin', permissions: '*' },
        { username: 'reader', permissions: 'read' },
      ],
      env: { NODE_OPTIONS: '--max-old-space-size=256' },
    });
    const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/1.0`;
    await deploy(
      nodeRed,
      [{ id: 'tab1', type: 'tab', label: 'ovh' }, accountNode(sim, { url })],
      signatureCredentials(sim),
      await login(nodeRed, 'admin'),
    );
  });
  after(async () => {
    await nodeRed?.stop();
    await sim?.close();
    await new Promise((resolve) => api?.close(resolve));
  });

  it('keeps running and answering, having read a bounded part of the API', async () => {
    const reader = await login(nodeRed, 'reader', 'read');
    const search = (q: string) =>
      admin(nodeRed, 'GET', `/ovh-credentials/catalogue/search?account=acc&q=${encodeURIComponent(q)}`, undefined, reader, {
        accept: 'application/json',
      });
    let found = await search('hostile operation');
    for (let tries = 0; found.status === 200 && found.body.loading && tries < 60; tries++)
      found = await search('hostile operation');
    found.status.should.equal(200, found.text);
    found.body.operations.length.should.be.above(0);
    for (const q of ['reboot', 'operation 7', '/h2/']) (await search(q)).status.should.equal(200);
    const refused = await admin(
      nodeRed,
      'GET',
      '/ovh-credentials/catalogue/operation?account=acc&method=GET&path=/h0/x',
      undefined,
      reader,
      {
        accept: 'application/json',
      },
    );
    refused.status.should.equal(502);
    refused.body.error.should.match(/larger than 8 MiB/);
    (await admin(nodeRed, 'GET', '/settings', undefined, reader)).status.should.equal(200);
    nodeRed.output.join('').should.not.match(/heap out of memory|FATAL ERROR/);
    asked.filter((u) => u.endsWith('.json')).length.should.be.below(20); // of 300 listed
  });
});
