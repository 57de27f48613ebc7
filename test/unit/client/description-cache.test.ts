/** The API's description on disk: fresh, refreshed, stale when offline, one failure kept apart. */
import 'should';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescriptionCache, UnreadableDocument } from '../../../nodes/client/description-cache';
import type { Reading } from '../../../nodes/client';
import { OvhSimulator } from '../../simulator/simulator';
import { clientFor, rejection, startSimulator } from '../../helpers';

describe('the API description cache', () => {
  let dir: string;
  let clock: number;
  const day = 24 * 60 * 60 * 1000;
  const cache = () => new DescriptionCache({ dir, now: () => clock });
  /** A family list's bytes, as the API answers it, naming these families. */
  const list = (...names: string[]) => Buffer.from(JSON.stringify({ apis: names.map((name) => ({ path: name })) }));
  const names = { kind: 'family-list', most: 100, mostNameLength: 5000 } as const satisfies Reading;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-description-'));
    clock = 1_000_000_000_000;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fetches once for concurrent askers, then answers from disk, also in a new process (a new cache)', async () => {
    let fetches = 0;
    const fetch = async () => list('/domain', `/n${++fetches}`);
    const first = cache();
    const [a, b] = await Promise.all([first.get('ovh-eu', '1.0/', fetch, names), first.get('ovh-eu', '1.0/', fetch, names)]);
    fetches.should.equal(1);
    a.should.eql(b);
    a.stale.should.be.false();
    const later = await cache().get('ovh-eu', '1.0/', fetch, names);
    fetches.should.equal(1);
    later.value.should.eql(['/domain', '/n1']);
  });

  it('refreshes a document older than a day, and uses the old one, saying so, when offline', async () => {
    await cache().get('ovh-eu', '1.0/', async () => list('/first'), names);
    clock += day + 1;
    (await cache().get('ovh-eu', '1.0/', async () => list('/second'), names)).should.have.properties({
      value: ['/second'],
      stale: false,
    });
    clock += day + 1;
    const offline = await cache().get(
      'ovh-eu',
      '1.0/',
      async () => {
        throw new Error('connection refused');
      },
      names,
    );
    offline.should.have.properties({ value: ['/second'], stale: true, staleBecause: 'connection refused' });
  });

  it('fails a document never fetched, and keeps the others working', async () => {
    await cache().get('ovh-eu', '1.0/', async () => list('/domain'), names);
    const err = await rejection(
      cache().get(
        'ovh-eu',
        'v2/',
        async () => {
          throw new Error('500');
        },
        names,
      ),
    );
    err.message.should.equal('500');
    (await cache().get('ovh-eu', '1.0/', async () => list('/unused'), names)).value.should.eql(['/domain']);
    (await cache().get('ovh-ca', '1.0/', async () => list('/canada'), names)).value.should.eql(['/canada']);
  });

  it('keeps the real descriptions the simulator serves, readable again from disk', async () => {
    const sim: OvhSimulator = await startSimulator();
    const client = clientFor(sim);
    try {
      const index = await cache().get(sim.baseUrl, '1.0/', () => client.describeApiBytes('1.0'), names);
      index.value.should.containEql('/domain');
      const domain = { kind: 'family', branch: '1.0', name: '/domain', mostBytes: 1e9, mostDescriptionLength: 100 } as const;
      await cache().get(sim.baseUrl, '1.0/domain', () => client.describeApiBytes('1.0', '/domain'), domain);
      await sim.close();
      const fromDisk = await cache().get(sim.baseUrl, '1.0/domain', () => client.describeApiBytes('1.0', '/domain'), domain);
      fromDisk.value.operations.length.should.equal(110);
      fromDisk.stale.should.be.false();
    } finally {
      await client.close();
      await sim.close().catch(() => undefined);
    }
  });

  it('keeps the folder under its budget, removing the documents written longest ago', async () => {
    const small = new DescriptionCache({ dir, now: () => clock, maxTotalBytes: 3500 });
    const text = list('/' + 'x'.repeat(1000));
    for (const name of ['a', 'b', 'c', 'd']) {
      await small.get(name, `1.0/`, async () => text, names);
      await new Promise((resolve) => setTimeout(resolve, 20)); // one write time each
    }
    (await small.keptBytes()).should.be.belowOrEqual(3500);
    ((await small.peek('a', '1.0/', names)) === undefined).should.be.true();
    for (const name of ['b', 'c', 'd']) (await small.peek(name, `1.0/`, names))!.should.eql(['/' + 'x'.repeat(1000)]);
  });

  it('refuses a document over its size, from the API or from disk, and keeps nothing of it', async () => {
    const small = new DescriptionCache({ dir, now: () => clock, maxDocumentBytes: 1000 });
    const big = list('/' + 'x'.repeat(2000));
    const err = await rejection(small.get('ovh-eu', '1.0/', async () => big, names));
    err.should.be.instanceOf(UnreadableDocument);
    err.message.should.match(/larger than .* the most one description may weigh/);
    (await small.keptBytes()).should.equal(0);
    // Kept by a cache that allowed more (an older version): not read back, fetched again.
    await cache().get('ovh-eu', '1.0/', async () => big, names);
    ((await small.peek('ovh-eu', '1.0/', names)) === undefined).should.be.true();
    (await small.get('ovh-eu', '1.0/', async () => list('/smaller'), names)).value.should.eql(['/smaller']);
  });

  it('hands a document over already read, and says what it weighs', async () => {
    const few = { kind: 'family-list', most: 2, mostNameLength: 100 } as const satisfies Reading;
    const first = await cache().get('ovh-eu', '1.0/', async () => list('/a', '/b', '/c'), few);
    first.value.should.eql(['/a', '/b']);
    first.bytes.should.equal(await cache().keptBytes()); // the one file kept
    (await cache().get('ovh-eu', '1.0/', async () => list(), few)).value.should.eql(['/a', '/b']); // from disk
    // A document that is not what the reading reads: refused, saying what it weighed.
    for (const odd of ['"not a list"', 'not JSON at all', '']) {
      const err = await rejection(cache().get('ovh-eu', 'v2/', async () => Buffer.from(odd), few));
      err.should.be.instanceOf(UnreadableDocument);
      err.message.should.equal('the API did not answer a list of families');
      (err.bytes as number).should.be.above(odd.length);
    }
    (await cache().keptBytes()).should.equal(first.bytes); // nothing kept of them
  });
});
