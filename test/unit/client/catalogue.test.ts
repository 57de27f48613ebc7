/**
 * The API's description of itself, as the simulator serves the real copies in test/fixtures:
 * fetched unsigned, read into operations, searched by path and by words.
 */
import 'should';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  METHODS,
  OperationSearch,
  OvhApiError,
  OvhError,
  familyOf,
  findOperation,
  locate,
  readFamily,
  readFamilyList,
  type Operation,
} from '../../../nodes/client';
import { OvhSimulator } from '../../simulator/simulator';
import { clientFor, fixturesDir, rejection, startSimulator } from '../../helpers';

describe('the API catalogue', function () {
  let sim: OvhSimulator;
  let all: Operation[];
  let search: OperationSearch;

  before(async () => {
    sim = await startSimulator();
    const client = clientFor(sim);
    try {
      const families = readFamilyList(await client.describeApi('1.0'));
      families.should.containEql('/domain');
      families.should.containEql('/dedicated/server');
      const held = ['/auth', '/domain', '/me', '/sms', '/dedicated/server'];
      const loaded = await Promise.all(held.map(async (name) => readFamily('1.0', name, await client.describeApi('1.0', name))));
      const iam = readFamily('v2', '/iam', await client.describeApi('v2', '/iam'));
      all = [...loaded, iam].flatMap((family) => family.operations);
      search = new OperationSearch(all);
    } finally {
      await client.close();
    }
  });
  after(() => sim.close());

  it('is fetched without signing, and a family it does not hold answers 404', async () => {
    const client = clientFor(sim);
    try {
      sim.resetCounters();
      await client.describeApi('1.0', '/domain');
      const sent = sim.received({ path: '/1.0/domain.json' })[0];
      (sent.headers['x-ovh-signature'] === undefined).should.be.true();
      const missing = (await rejection(client.describeApi('1.0', '/cloud'))) as unknown as OvhApiError;
      missing.statusCode.should.equal(404);
      (await rejection(client.describeApi('1.0', '/../me'))).message.should.match(/not an API family/);
    } finally {
      await client.close();
    }
  });

  it('is given as its bytes, unparsed, for a parse elsewhere; failures stay errors, a too large one refused', async () => {
    const client = clientFor(sim);
    try {
      const bytes = await client.describeApiBytes('1.0', '/domain');
      Buffer.isBuffer(bytes).should.be.true();
      bytes.equals(fs.readFileSync(path.join(fixturesDir, 'ovh-api-schemas', '1.0', 'domain.json'))).should.be.true();
      const missing = (await rejection(client.describeApiBytes('1.0', '/cloud'))) as unknown as OvhApiError;
      missing.statusCode.should.equal(404);
      (await rejection(client.describeApiBytes('1.0', '/../me'))).message.should.match(/not an API family/);
    } finally {
      await client.close();
    }
    const small = clientFor(sim, { maxAnswerBytes: 1000 });
    try {
      ((await rejection(small.describeApiBytes('1.0', '/domain'))) as unknown as OvhError).code.should.equal('ANSWER_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  it('reads every operation with its parameters, status and IAM actions', () => {
    const domain = all.filter((o) => o.family === '/domain');
    domain.length.should.equal(110);
    const create = all.find((o) => o.method === 'POST' && o.path === '/domain/zone/{zoneName}/record')!;
    create.description.should.match(/Create a new record/);
    create.parameters.should.containEql({
      name: 'zoneName',
      type: 'string',
      in: 'path',
      required: true,
      description: 'Zone name',
    });
    create.parameters.find((p) => p.in === 'body')!.type.should.equal('domain.zone.RecordCreate');
    create.iamActions.should.eql(['dnsZone:apiovh:record/create']);
    create.responseType!.should.equal('domain.zone.Record');
    const deprecated = all.find((o) => o.path === '/domain/data/extension')!;
    deprecated.status.should.equal('DEPRECATED');
    deprecated.deprecation!.should.eql({
      deprecatedDate: '2021-02-01T00:00:00Z',
      deletionDate: '2021-08-31T00:00:00Z',
      replacement: '/domain/extensions',
    });
    all.some((o) => o.path === '/v2/iam/policy' && o.family === '/v2/iam').should.be.true();
  });

  it('finds operations by path and by the words of their descriptions', () => {
    const reboot = search.search('reboot').map((o) => `${o.method} ${o.path}`);
    reboot.should.containEql('POST /dedicated/server/{serviceName}/reboot');
    const records = search.search('dns record', 50).map((o) => o.path);
    records.should.containEql('/domain/zone/{zoneName}/record');
    const byPath = search.search('/domain/zone/{zoneName}/re');
    byPath.length.should.be.above(0);
    byPath.every((o) => o.path.startsWith('/domain/zone/{zoneName}/re')).should.be.true();
    search.search('').should.eql([]);
    search.search('reboot', 3).length.should.be.belowOrEqual(3);
  });

  it('ranks a path typed as it always did: every match sorted by tier, status, path length, path and method', () => {
    // The ranking as first written (every match scored, then all of them sorted): the faster
    // search must answer the same operations in the same order. (Words are ranked by relevance:
    // test/client/operation-search.test.ts.)
    const rank = (o: Operation) => ['PRODUCTION', 'BETA', 'ALPHA', 'DEPRECATED'].indexOf(o.status) + 1 || 5;
    const reference = (query: string, limit: number): Operation[] => {
      const q = query.trim().toLowerCase();
      if (q === '') return [];
      const words = q.split(/\s+/);
      const scored: Array<{ operation: Operation; score: number }> = [];
      for (const operation of all) {
        const path = operation.path.toLowerCase();
        const text = `${operation.method} ${operation.description} ${operation.iamActions.join(' ')}`.toLowerCase();
        let score = 0;
        if (q.startsWith('/') && path.startsWith(q)) score = 3;
        else if (words.every((w) => path.includes(w))) score = 2;
        else if (words.every((w) => path.includes(w) || text.includes(w))) score = 1;
        if (score > 0) scored.push({ operation, score });
      }
      scored.sort(
        (a, b) =>
          b.score - a.score ||
          rank(a.operation) - rank(b.operation) ||
          a.operation.path.length - b.operation.path.length ||
          a.operation.path.localeCompare(b.operation.path) ||
          METHODS.indexOf(a.operation.method) - METHODS.indexOf(b.operation.method),
      );
      return scored.slice(0, limit).map((s) => s.operation);
    };
    const queries = ['/domain', '/domain/zone/{zoneName}/re', '/me/', '/v2/iam', '/dedicated server', '/Domain/Zone', '/'];
    queries.push('/nothing-like-this', '/sms/{serviceName}/jobs', '/domain record', '/x');
    for (const query of queries) {
      for (const limit of [1, 3, 20, 50]) {
        const line = (o: Operation) => `${o.method} ${o.path}`;
        search.search(query, limit).map(line).should.eql(reference(query, limit).map(line), `${query} (${limit})`);
      }
    }
  });

  it('searches 15,000 operations without growing with their square', () => {
    // Copies of the real operations under other paths: as many as the whole memory budget holds
    // (about 3 KB each), twice what one API's catalogue may hold; every word in dozens of copies.
    const many: Operation[] = [];
    for (let n = 0; many.length < 15_000; n++) for (const o of all) many.push({ ...o, path: `/f${n}${o.path}` });
    const big = new OperationSearch(many.slice(0, 15_000));
    for (const query of ['e', 'get', 'reboot', 'dns record', '/f1', '/f0/domain/zone/{zoneName}/re', 'nothing-like-this']) {
      const runs: number[] = [];
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        big.search(query, 20).length.should.be.belowOrEqual(20);
        runs.push(performance.now() - started);
      }
      // A guard against a search that grows with the square of the operations (seconds), not a
      // measure: `npm run bench -- --regime search` measures (a few ms a query). The median, with a
      // margin for a machine busy with other work.
      runs.sort((a, b) => a - b)[2].should.be.below(500, query);
    }
  });

  it('finds the operation a call makes, written with placeholders or with their values', () => {
    const path = (method: string, p: string) => findOperation(all, method, p)?.path;
    path('GET', '/domain/zone/{zoneName}/record')!.should.equal('/domain/zone/{zoneName}/record');
    path('GET', '/domain/zone/example.com/record/42')!.should.equal('/domain/zone/{zoneName}/record/{id}');
    path('POST', '/dedicated/server/ns1.example.net/reboot')!.should.equal('/dedicated/server/{serviceName}/reboot');
    // A literal segment wins over a placeholder: /domain/zone/{zoneName}/record, not /domain/zone/{zoneName}/{x}.
    path('GET', '/domain/zone/example.com/record')!.should.equal('/domain/zone/{zoneName}/record');
    (path('GET', '/domain/zone/example.com/recrod') === undefined).should.be.true();
    (path('GET', '/domain/zone//record') === undefined).should.be.true();
  });

  it('places a call path in its branch and family, whatever prefix or query it carries', () => {
    locate('/1.0/domain/zone/{zoneName}/record?fieldType=A').should.eql({
      branch: '1.0',
      path: '/domain/zone/{zoneName}/record',
    });
    locate('/v1/me').should.eql({ branch: '1.0', path: '/me' });
    locate('/v2/iam/policy').should.eql({ branch: 'v2', path: '/v2/iam/policy' });
    const names = ['/dedicated', '/dedicated/server', '/domain'];
    familyOf(names, locate('/dedicated/server/{serviceName}/reboot'))!.should.equal('/dedicated/server');
    familyOf(names, locate('/domain'))!.should.equal('/domain');
    (familyOf(names, locate('/domains/x')) === undefined).should.be.true();
    familyOf(['/iam'], locate('/v2/iam/policy'))!.should.equal('/iam');
  });
});
