/**
 * The catalogue endpoints the request dialog will use: a search over an account's API and one
 * operation's details, from the API's own description (the simulator serves the real copies).
 */
import 'should';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { OvhSimulator } from '../../simulator/simulator';
import { CATALOGUE_BUDGETS } from '../../../nodes/account/api-catalogue';
import { heavyFamily } from '../../helpers/full-api';
import { eventLoopCost } from '../../helpers/event-loop';
import {
  helper,
  load,
  logLines,
  requestFlow,
  signatureCredentials,
  useRuntime,
  adminGet,
  useUserDir,
  runRequest,
  receive,
} from '../../helpers/node-red';

declare const gc: () => void; // mocha runs with --expose-gc

interface Found {
  operations: Array<{
    method: string;
    path: string;
    status: string;
    description: string;
    matched: string[];
    marks: { path: Array<[number, number]>; description: Array<[number, number]> };
  }>;
  loading: boolean;
  stale: boolean;
  nothingMatches: boolean;
  unmatched: string[];
}

describe('ovh-credentials catalogue endpoints', function () {
  this.timeout(30_000);
  let sim: OvhSimulator;
  const userDir = useUserDir('ovh-catalogue-');
  useRuntime((started) => (sim = started));

  const search = async (q: string, more: Record<string, string> = {}): Promise<Found> => {
    for (let tries = 0; ; tries++) {
      const res = await adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q, ...more });
      res.status.should.equal(200);
      if (!res.body.loading || tries > 20) return res.body as Found;
    }
  };

  /** The warnings a request node with this method and path gives at deploy. */
  const deployWarnings = async (method: string, requestPath: string): Promise<string[]> => {
    await load(requestFlow(sim, { method, path: requestPath }), signatureCredentials(sim));
    await new Promise((r) => setTimeout(r, 200)); // the check reads the disk after the node starts
    const warnings = logLines()
      .filter((l) => l.level === 30 && l.type === 'ovh-request')
      .map((l) => l.text);
    await helper.unload();
    return warnings;
  };

  it('says nothing at deploy, and fetches nothing, while no description is kept', async () => {
    (await deployWarnings('GET', '/domain/zone/{zoneName}/recrod')).should.eql([]);
    sim.count({ path: /\.json$|^\/(1\.0|v2)\/$/ }).should.equal(0);
  });

  it('finds operations by the path being typed, loading only that family', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const found = await search('/domain/zone/{zoneName}/re');
    found.operations.length.should.be.above(0);
    found.operations.every((o) => o.path.startsWith('/domain/zone/{zoneName}/re')).should.be.true();
    found.operations.map((o) => `${o.method} ${o.path}`).should.containEql('POST /domain/zone/{zoneName}/record');
    sim.count({ path: '/1.0/domain.json' }).should.equal(1);
    sim.count({ path: '/1.0/sms.json' }).should.equal(0);
    fs.readdirSync(path.join(userDir, 'ovhcloud', 'api-descriptions')).length.should.equal(1); // kept on disk
  });

  it('finds operations by words across every family it can load', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const reboot = await search('reboot');
    reboot.loading.should.be.false();
    reboot.operations.map((o) => `${o.method} ${o.path}`).should.containEql('POST /dedicated/server/{serviceName}/reboot');
    (await search('dns record')).operations.map((o) => o.path).should.containEql('/domain/zone/{zoneName}/record');
  });

  it('ranks words by relevance, and says which words each operation matched and where they stand', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const found = await search('redémarrer le serveur dédié');
    const [first] = found.operations;
    `${first.method} ${first.path}`.should.equal('POST /dedicated/server/{serviceName}/reboot');
    first.matched.should.eql(['redemarrer', 'serveur', 'dedie']);
    const marked = (text: string, ranges: Array<[number, number]>) => ranges.map(([start, end]) => text.slice(start, end));
    marked(first.path, first.marks.path).should.eql(['dedicated', 'server', 'reboot']);
    marked(first.description, first.marks.description).should.eql(['reboot', 'server']);
    found.nothingMatches.should.be.false();
    found.unmatched.should.eql([]);
    // A path typed is marked where it starts each operation's path.
    const typed = await search('/domain/zone/{zoneName}/re');
    typed.operations.every((o) => o.marks.path[0][1] === '/domain/zone/{zoneName}/re'.length).should.be.true();
  });

  it('keeps the methods asked for (the watch dialog asks for GET), and refuses a method that is none', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const gets = await search('delete dns record', { method: 'GET' });
    gets.operations.length.should.be.above(0);
    gets.operations.every((o) => o.method === 'GET').should.be.true();
    (await search('/domain/zone/{zoneName}/record', { method: 'get,delete' })).operations
      .map((o) => o.method)
      .should.containDeep(['GET', 'DELETE']);
    const refused = await adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: 'dns', method: 'FETCH' });
    refused.status.should.equal(400);
    refused.body.error.should.match(/GET, POST, PUT, DELETE/);
  });

  it('says when nothing matches, and which words no operation matched', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const none = await search('zzqxw wqzzx');
    none.operations.should.eql([]);
    none.nothingMatches.should.be.true();
    none.unmatched.should.eql(['zzqxw', 'wqzzx']);
    const some = await search('reboot zzqxw');
    some.nothingMatches.should.be.false();
    some.unmatched.should.eql(['zzqxw']);
  });

  it('details one operation with the models its body and answer use', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const res = await adminGet('/ovh-credentials/catalogue/operation', {
      account: 'acc',
      method: 'POST',
      path: '/domain/zone/{zoneName}/record',
    });
    res.body.known.should.be.true();
    res.body.operation.iamActions.should.eql(['dnsZone:apiovh:record/create']);
    // The rows the dialog offers: the placeholder, then the body model's writable fields, required first.
    const fields = res.body.fields as Array<{ name: string; in: string; type: string; required: boolean; enum?: string[] }>;
    fields
      .map((f) => `${f.in} ${f.name}${f.required ? '*' : ''} ${f.type}`)
      .should.eql([
        'path zoneName* string',
        'body fieldType* domain.zone.RecordTypeEnum',
        'body target* string',
        'body subDomain string',
        'body ttl long',
      ]);
    fields[1].enum!.should.containEql('CNAME');
    JSON.stringify(res.body).length.should.be.below(100_000);
    const unknown = await adminGet('/ovh-credentials/catalogue/operation', {
      account: 'acc',
      method: 'GET',
      path: '/domain/nothing/here',
    });
    unknown.body.known.should.be.false();
    const written = await adminGet('/ovh-credentials/catalogue/operation', {
      account: 'acc',
      method: 'GET',
      path: '/domain/zone/example.com/record',
    });
    written.body.operation.path.should.equal('/domain/zone/{zoneName}/record');
  });

  it('never fetches a URL given by the request: only a region or a deployed account', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    sim.resetCounters();
    const queries: Array<Record<string, string>> = [
      { url: sim.baseUrl, q: 'x' },
      { account: 'nope', q: 'x' },
      { region: 'https://evil.example/1.0', q: 'x' },
    ];
    for (const query of queries) {
      const res = await adminGet('/ovh-credentials/catalogue/search', query);
      res.status.should.equal(400);
      res.body.error.should.match(
        /by a region .* or by the id of a deployed account|Deploy this account first: .* or by a region/,
      );
    }
    sim.count().should.equal(0);
  });

  it('says the API cannot be reached rather than calling a path unknown, and asks again next time', async () => {
    const other = await OvhSimulator.start();
    try {
      await load(requestFlow(other, {}), signatureCredentials(other));
      other.injectFault({ kind: 'status', status: 503, path: /^\/(1\.0|v2)\/$/, count: 8 }); // two questions' worth
      const failed = await adminGet('/ovh-credentials/catalogue/operation', { account: 'acc', method: 'GET', path: '/me' });
      failed.status.should.equal(502);
      failed.body.error.should.match(/list of families could not be read/);
      const words = await adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: 'reboot' });
      words.status.should.equal(502);
      const again = await adminGet('/ovh-credentials/catalogue/operation', { account: 'acc', method: 'GET', path: '/me' });
      again.status.should.equal(200);
      again.body.known.should.be.true();
    } finally {
      await other.close();
    }
  });

  /** An API of one's own making, as a deployed account's custom URL: its family list and descriptions. */
  const serveApi = async (documents: Record<string, unknown>, delayMs = 0) => {
    const server = http.createServer((req, res) => {
      const body = documents[req.url ?? ''];
      setTimeout(() => {
        if (body === undefined) {
          res.writeHead(404, { 'content-type': 'application/json' });
          return res.end('{"message":"not found"}');
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      }, delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await load(requestFlow(sim, {}, { url: `http://127.0.0.1:${port}/1.0` }), signatureCredentials(sim));
    return { close: () => new Promise((resolve) => server.close(resolve)) };
  };
  const family = (name: string, operations: Array<{ path: string; method?: string; parameters?: unknown[] }>, models = {}) => ({
    apis: operations.map((o) => ({
      path: o.path,
      operations: [
        { httpMethod: o.method ?? 'GET', description: `op ${o.path}`, responseType: 'void', parameters: o.parameters ?? [] },
      ],
    })),
    models,
    name,
  });

  it('indexes a family once, however many questions wait for it', async () => {
    const api = await serveApi(
      { '/1.0/': { apis: [{ path: '/dup' }] }, '/1.0/dup.json': family('/dup', [{ path: '/dup' }, { path: '/dup/{id}' }]) },
      300,
    );
    try {
      await Promise.all([
        adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: '/dup' }),
        adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: '/dup/' }),
      ]);
      const found = await adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: '/dup' });
      found.body.operations.map((o: { path: string }) => o.path).should.eql(['/dup', '/dup/{id}']);
    } finally {
      await api.close();
    }
  });

  it('says a family could not be read rather than calling its paths unknown', async () => {
    const api = await serveApi({ '/1.0/': { apis: [{ path: '/broken' }] }, '/1.0/broken.json': '{"apis": [' });
    try {
      const res = await adminGet('/ovh-credentials/catalogue/operation', { account: 'acc', method: 'GET', path: '/broken/x' });
      res.status.should.equal(502);
      res.body.error.should.match(/the description of \/broken could not be read/);
    } finally {
      await api.close();
    }
  });

  it('counts the 100 KB in bytes, and shortens an operation step by step rather than refuse it', async () => {
    const wide = Array.from({ length: 50 }, (_, i) => ({ path: `/wide/${'€'.repeat(1850)}${i}` }));
    const values = Array.from({ length: 300 }, (_, i) => `${i}-${'v'.repeat(600)}`);
    const api = await serveApi({
      '/1.0/': { apis: [{ path: '/wide' }, { path: '/long' }] },
      '/1.0/wide.json': family('/wide', wide),
      '/1.0/long.json': family(
        '/long',
        [
          {
            path: '/long/{id}',
            parameters: [{ name: 'kind', dataType: 'long.Kind', fullType: 'long.Kind', paramType: 'query', required: true }],
          },
        ],
        { 'long.Kind': { enum: values, enumType: 'string' } },
      ),
    });
    try {
      const found = await adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: '/wide', limit: '50' });
      found.status.should.equal(200);
      Buffer.byteLength(found.text).should.be.below(100_000);
      found.body.operations.length.should.be.above(0);
      const detail = await adminGet('/ovh-credentials/catalogue/operation', { account: 'acc', method: 'GET', path: '/long/x' });
      detail.status.should.equal(200);
      Buffer.byteLength(detail.text).should.be.below(100_000);
      detail.body.fields[0].should.match({ name: 'kind', in: 'query' });
      detail.body.fields[0].enum.length.should.be.above(0);
    } finally {
      await api.close();
    }
  });

  it('keeps every answer under 100 KB, whatever the API describes', async () => {
    // An API (a deployed account's custom URL) whose description is made to be large (6 MB, under the 8 MiB read).
    const huge = 'x'.repeat(100_000);
    const values = Array.from({ length: 20_000 }, (_, i) => `value-${i}`);
    const description = {
      apis: Array.from({ length: 60 }, (_, i) => ({
        path: `/big/op${i}`,
        operations: [
          {
            httpMethod: 'POST',
            description: `big ${huge}`,
            responseType: 'void',
            parameters: [
              {
                name: 'kind',
                dataType: 'big.Kind',
                fullType: 'big.Kind',
                paramType: 'query',
                required: true,
                description: huge.slice(0, 5000),
              },
            ],
          },
        ],
      })),
      models: { 'big.Kind': { enum: values, enumType: 'string' } },
    };
    const server = http.createServer((req, res) => {
      const answers: Record<string, unknown> = { '/1.0/': { apis: [{ path: '/big' }] }, '/1.0/big.json': description };
      const body = answers[req.url ?? ''];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { message: 'not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const flow = requestFlow(sim, {}, { url: `http://127.0.0.1:${port}/1.0` });
      await load(flow, signatureCredentials(sim));
      const found = await adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: '/big', limit: '50' });
      found.status.should.equal(200);
      found.body.operations.length.should.be.above(0);
      JSON.stringify(found.body).length.should.be.below(100_000);
      const words = await adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: 'big', limit: '50' });
      JSON.stringify(words.body).length.should.be.below(100_000);
      const detail = await adminGet('/ovh-credentials/catalogue/operation', { account: 'acc', method: 'POST', path: '/big/op1' });
      detail.status.should.equal(200);
      JSON.stringify(detail.body).length.should.be.below(100_000);
      detail.body.fields[0].should.match({ name: 'kind', in: 'query', required: true });
      detail.body.fields[0].enum.length.should.be.above(0);
    } finally {
      server.close();
    }
  });

  it('names the IAM actions an operation needs when IAM refuses it, from the kept description', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    await search('/dedicated/server/'); // the dialog's search keeps /dedicated/server
    await helper.unload();
    sim.iamDenied.add('dedicatedServer:apiovh:reboot');
    try {
      const server = Object.keys(sim.data.servers)[0];
      const reboot = { method: 'POST', path: '/dedicated/server/{serviceName}/reboot' };
      const msg = await runRequest(sim, reboot, { params: { serviceName: server } }, { at: 'caught' });
      msg.statusCode.should.equal(403);
      msg.error.message.should.match(
        /403 Client::Forbidden: User not granted.*; the operation needs the IAM actions dedicatedServer:apiovh:reboot/,
      );
    } finally {
      sim.iamDenied.delete('dedicatedServer:apiovh:reboot');
    }
  });

  it('warns at deploy of a method and path the kept description does not know, or marks deprecated', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    await search('/domain/zone'); // the dialog's search keeps the family list and /domain
    await helper.unload();
    (await deployWarnings('GET', '/domain/zone/{zoneName}/recrod')).should.eql(['ovh-request.warn.unknown-operation']);
    (await deployWarnings('GET', '/domain/data/extension')).should.eql(['ovh-request.warn.deprecated']);
    (await deployWarnings('GET', '/domain/zone/{zoneName}/record')).should.eql([]);
    (await deployWarnings('GET', '/1.0/domain/zone/{zoneName}/record')).should.eql([]);
    (await deployWarnings('PUT', '/domain/zone/example.com/record/42')).should.eql([]); // values written in the path
    (await deployWarnings('PUT', '/domain/zone/example.com/recrod/42')).should.eql(['ovh-request.warn.unknown-operation']);
    (await deployWarnings('GET', '/cloud/project')).should.eql([]); // a family never kept: nothing said
  });

  it("never sends the previous node's answer to an operation the kept description gives no body", async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    await search('/domain/zone'); // keeps /domain on disk
    await helper.unload();
    const post = async (requestPath: string, payload: unknown) => {
      await load(requestFlow(sim, { method: 'POST', path: requestPath }), signatureCredentials(sim));
      const out = receive('out');
      helper.getNode('req').receive({ payload });
      await out;
      const warnings = logLines()
        .filter((l) => l.level === 30 && l.type === 'ovh-request')
        .map((l) => l.text);
      await helper.unload();
      const sent = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith(requestPath));
      return { body: sent.at(-1)!.body, warnings };
    };
    // What the GET before it answered, in msg.payload: not this call's body.
    const refresh = await post('/domain/zone/example.com/refresh', { zone: 'example.com', records: [1001] });
    refresh.body.should.equal('');
    refresh.warnings.should.eql(['ovh-request.warn.no-body']);
    // An operation that takes a body still gets msg.payload.
    const record = await post('/domain/zone/example.com/record', { fieldType: 'A', subDomain: 'x', target: '203.0.113.9' });
    JSON.parse(record.body).should.match({ subDomain: 'x' });
    record.warnings.should.eql([]);
  });

  describe('bounded, whatever the API describes', () => {
    const MIB = 1024 * 1024;
    const heapUsed = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    /** The size of every file kept under the user directory's description folder. */
    const keptBytes = () => {
      const dir = path.join(userDir, 'ovhcloud', 'api-descriptions');
      if (!fs.existsSync(dir)) return 0;
      return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .reduce((sum, entry) => sum + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0);
    };
    beforeEach(() => fs.rmSync(path.join(userDir, 'ovhcloud'), { recursive: true, force: true }));
    /**
     * A family of about `bytes`: one operation, `GET /h0/x`, and models of many small properties,
     * which no field reads: 50 ms and more to parse, 15 MB parsed, little kept.
     */
    const intricateFamily = (bytes: number): string => {
      const model = JSON.stringify({
        properties: Object.fromEntries(Array.from({ length: 50 }, (_v, i) => [`p${i}`, { type: 'string' }])),
      });
      const head = '{"apis":[{"path":"/h0/x","operations":[{"httpMethod":"GET","description":"hostile operation"}]}],"models":{';
      const count = Math.floor((bytes - head.length - 2) / (model.length + 12));
      return head + Array.from({ length: count }, (_v, i) => `"m${String(i).padStart(7, '0')}":${model}`).join(',') + '}}';
    };

    /**
     * A hostile API on loopback: an index of `families` names (`/h0`, `/h1`...) on /1.0, each
     * served `family` (one text for all; of several, `/h<i>` the i-th in turn) after `familyDelayMs`,
     * and what it was asked. It has no /v2.
     */
    const hostileApi = async (families: number, family: string | Buffer[], familyDelayMs = 0) => {
      const index = JSON.stringify({ apis: Array.from({ length: families }, (_v, i) => ({ path: `/h${i}` })) });
      const asked: string[] = [];
      const server = http.createServer((req, res) => {
        asked.push(req.url ?? '');
        const named = /^\/1\.0\/h(\d+)\.json$/.exec(req.url ?? '');
        const served = named && (typeof family === 'string' ? family : family[Number(named[1]) % family.length]);
        const body = req.url === '/1.0/' ? index : (served ?? undefined);
        setTimeout(
          () => {
            res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
            res.end(body ?? '{"message":"not found"}');
          },
          served ? familyDelayMs : 0,
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/1.0`;
      return { url, asked, close: () => new Promise((resolve) => server.close(resolve)) };
    };
    /** The simulator's account `acc`, and one more account per URL (`h1`, `h2`...), deployed. */
    const deployAccounts = async (urls: string[]) => {
      const flow = requestFlow(sim, {});
      const credentials = signatureCredentials(sim);
      urls.forEach((url, i) => {
        flow.push({ ...flow[1], id: `h${i + 1}`, url });
        credentials[`h${i + 1}`] = credentials.acc;
      });
      await load(flow, credentials);
    };
    /** A word search on one account, asked again until it has loaded all it will. */
    const searchAll = async (account: string, q: string): Promise<Found & { families: number }> => {
      for (let tries = 0; ; tries++) {
        const res = await adminGet('/ovh-credentials/catalogue/search', { account, q });
        res.status.should.equal(200);
        if (!res.body.loading || tries > 40) return res.body as Found & { families: number };
      }
    };

    it('holds the heap under its budget across APIs, evicting families the dialog then reads again from disk', async () => {
      // 20 families of 3 MB each, 2 MB of it operations the catalogue keeps: 120 MB of them in all.
      const apis = [
        await hostileApi(20, heavyFamily('/h0', 2 * MIB, MIB)),
        await hostileApi(20, heavyFamily('/h0', 2 * MIB, MIB)),
      ];
      try {
        await deployAccounts(apis.map((api) => api.url));
        (await search('/domain/zone')).operations.length.should.be.above(0); // the dialog reads /domain of acc
        sim.count({ path: '/1.0/domain.json' }).should.equal(1);
        const before = heapUsed();
        for (const account of ['h1', 'h2']) {
          const found = await searchAll(account, 'hostile operation');
          found.operations.length.should.be.above(0);
        }
        const grown = heapUsed() - before;
        grown.should.be.below(CATALOGUE_BUDGETS.memoryBytes, `the heap grew by ${(grown / MIB).toFixed(1)} MiB`);
        // /domain, least recently used, made room: no family of acc is held any more...
        (await adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: '/nothing' })).body.families.should.equal(0);
        // ...and the dialog still details its operation, read again from disk, not from the API.
        const detail = await adminGet('/ovh-credentials/catalogue/operation', {
          account: 'acc',
          method: 'POST',
          path: '/domain/zone/{zoneName}/record',
        });
        detail.status.should.equal(200);
        detail.body.known.should.be.true();
        detail.body.fields.map((f: { name: string }) => f.name).should.containEql('fieldType');
        sim.count({ path: '/1.0/domain.json' }).should.equal(1);
        // The hostile APIs still answer what they hold.
        (await searchAll('h2', 'hostile operation')).operations.length.should.be.above(0);
      } finally {
        await Promise.all(apis.map((api) => api.close()));
      }
    });

    it('keeps the descriptions on disk under their budget, the oldest removed first', async () => {
      // Families of 7 MB, nearly all of it models: little memory, much disk.
      const family = heavyFamily('/h0', 100_000, 7 * 1_000_000);
      const apis = [await hostileApi(30, family), await hostileApi(30, family), await hostileApi(30, family)];
      try {
        await deployAccounts(apis.map((api) => api.url));
        for (const account of ['h1', 'h2', 'h3']) (await searchAll(account, 'hostile')).operations.length.should.be.above(0);
        const fetched = apis.reduce((sum, api) => sum + api.asked.filter((url) => url.endsWith('.json')).length, 0);
        (fetched * family.length).should.be.above(CATALOGUE_BUDGETS.diskBytes); // more came than the folder may keep
        keptBytes().should.be.belowOrEqual(CATALOGUE_BUDGETS.diskBytes);
        // One word search reads a bounded amount of one API: not its 30 families of 7 MB.
        for (const api of apis) {
          const read = api.asked.filter((url) => url.endsWith('.json')).length * family.length;
          read.should.be.below(CATALOGUE_BUDGETS.searchBytes + 4 * CATALOGUE_BUDGETS.documentBytes);
        }
      } finally {
        await Promise.all(apis.map((api) => api.close()));
      }
    });

    it('reads the budget of one word search once while it is asked again, where the API has no /v2 list', async () => {
      // Families that come slowly: the dialog asks again (every 1.5 s) while the first search loads.
      const family = heavyFamily('/h0', 100_000, 7 * 1_000_000);
      const api = await hostileApi(30, family, 1_000);
      try {
        await deployAccounts([api.url]);
        (await searchAll('h1', 'hostile')).operations.length.should.be.above(0);
        const read = api.asked.filter((url) => url.endsWith('.json')).length * family.length;
        read.should.be.below(CATALOGUE_BUDGETS.searchBytes + 4 * CATALOGUE_BUDGETS.documentBytes);
      } finally {
        await api.close();
      }
    });

    it('reads no more families of an index than its budget, however many it lists', async () => {
      const api = await hostileApi(1000, heavyFamily('/h0', 1000));
      try {
        await deployAccounts([api.url]);
        (await searchAll('h1', 'hostile')).operations.length.should.be.above(0);
        const families = api.asked.filter((url) => url.endsWith('.json'));
        families.length.should.equal(CATALOGUE_BUDGETS.familiesPerBranch);
      } finally {
        await api.close();
      }
    });

    it('refuses a family whose operations alone would take half the memory budget, and keeps nothing of it', async () => {
      const api = await hostileApi(1, heavyFamily('/h0', 7.5 * MIB)); // under 8 MiB, all of it operations
      try {
        await deployAccounts([api.url]);
        const res = await adminGet('/ovh-credentials/catalogue/operation', { account: 'h1', method: 'POST', path: '/h0/x/y' });
        res.status.should.equal(502);
        res.body.error.should.match(/^the description of \/h0 could not be read: its operations would take more than 24 MiB/);
        keptBytes().should.be.below(MIB); // the index alone
      } finally {
        await api.close();
      }
    });

    it('parses descriptions off the event loop: a word search over families of nearly 8 MiB holds no flow for long, nor grows the heap', async function () {
      this.timeout(120_000);
      const nearly = CATALOGUE_BUDGETS.documentBytes - 64 * 1024; // under the budget, the kept file's envelope included
      // Sent as bytes: the server's own encoding of 8 MB is not the runtime's doing.
      const kinds = [
        heavyFamily('/h0', 200_000, nearly - 400_000), // mostly models: read whole, little kept
        `{"apis":[${'{},'.repeat(Math.floor((nearly - 20) / 3) - 1)}{}]}`, // twenty times its text once parsed
        heavyFamily('/h0', nearly - 100_000), // all of it operations: refused, too heavy for memory
        intricateFamily(nearly), // 50 ms and more to parse, little kept
      ].map((text) => Buffer.from(text));
      for (const kind of kinds) kind.length.should.be.within(nearly - 400_000, nearly);
      const api = await hostileApi(12, kinds);
      try {
        await deployAccounts([api.url]);
        const { result, heldMs, gapMs, heapGrowth } = await eventLoopCost(() => searchAll('h1', 'hostile operation'));
        result.operations.length.should.be.above(0);
        api.asked.filter((url) => url.endsWith('.json')).length.should.be.aboveOrEqual(4);
        heldMs.should.be.below(50, `the event loop was held ${Math.round(heldMs)} ms (longest gap ${Math.round(gapMs)} ms)`);
        heapGrowth.should.be.below(40 * MIB, `the heap grew by ${(heapGrowth / MIB).toFixed(1)} MiB`);
      } finally {
        await api.close();
      }
    });

    it('checks a call at deploy against a kept description of nearly 8 MiB without holding the flows', async function () {
      this.timeout(60_000);
      const api = await hostileApi(1, [Buffer.from(intricateFamily(CATALOGUE_BUDGETS.documentBytes - 64 * 1024))]);
      try {
        await deployAccounts([api.url]);
        (await searchAll('h1', 'hostile operation')).operations.length.should.be.above(0); // /h0 kept on disk
        await helper.unload();
        const flow = requestFlow(sim, { account: 'h1', method: 'GET', path: '/h0/elsewhere' });
        flow.push({ ...flow[1], id: 'h1', url: api.url });
        const credentials = { ...signatureCredentials(sim), h1: signatureCredentials(sim).acc };
        const { heldMs, gapMs, heapGrowth } = await eventLoopCost(async () => {
          await load(flow, credentials);
          for (
            let waited = 0;
            waited < 10_000 && !logLines().some((l) => l.type === 'ovh-request' && l.level === 30);
            waited += 20
          )
            await new Promise((resolve) => setTimeout(resolve, 20));
        });
        logLines()
          .filter((l) => l.type === 'ovh-request' && l.level === 30)
          .map((l) => l.text)
          .should.eql(['ovh-request.warn.unknown-operation']); // read from the kept description
        heldMs.should.be.below(50, `the event loop was held ${Math.round(heldMs)} ms (longest gap ${Math.round(gapMs)} ms)`);
        heapGrowth.should.be.below(40 * MIB, `the heap grew by ${(heapGrowth / MIB).toFixed(1)} MiB`);
        api.asked.filter((url) => url.endsWith('.json')).length.should.equal(1); // nothing fetched again
      } finally {
        await api.close();
      }
    });

    it('refuses a description larger than its budget while it arrives, saying so', async () => {
      const api = await hostileApi(1, heavyFamily('/h0', CATALOGUE_BUDGETS.documentBytes + MIB));
      try {
        await deployAccounts([api.url]);
        const before = heapUsed();
        const res = await adminGet('/ovh-credentials/catalogue/operation', { account: 'h1', method: 'POST', path: '/h0/x/y' });
        res.status.should.equal(502);
        res.body.error.should.equal(
          'the description of /h0 could not be read: it is larger than 8 MiB, the most one description may weigh',
        );
        (heapUsed() - before).should.be.below(4 * MIB);
        keptBytes().should.be.below(MIB); // the index alone
      } finally {
        await api.close();
      }
    });
  });
});
