/** The API's description on disk: fresh, refreshed, stale when offline, one failure kept apart. */
import 'should';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescriptionCache, UnreadableDocument } from '../../nodes/client/description-cache';
import { readFamily, readFamilyList } from '../../nodes/client';
import { OvhSimulator } from '../simulator/simulator';
import { clientFor, rejection, startSimulator } from '../helpers';

describe('the API description cache', () => {
  let dir: string;
  let clock: number;
  const day = 24 * 60 * 60 * 1000;
  const cache = () => new DescriptionCache({ dir, now: () => clock });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-description-'));
    clock = 1_000_000_000_000;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fetches once for concurrent askers, then answers from disk, also in a new process (a new cache)', async () => {
    let fetches = 0;
    const fetch = async () => ({ apis: [{ path: '/domain' }], n: ++fetches });
    const first = cache();
    const [a, b] = await Promise.all([first.get('ovh-eu', '1.0/', fetch), first.get('ovh-eu', '1.0/', fetch)]);
    fetches.should.equal(1);
    a.should.eql(b);
    a.stale.should.be.false();
    const later = await cache().get('ovh-eu', '1.0/', fetch);
    fetches.should.equal(1);
    later.value!.should.eql({ apis: [{ path: '/domain' }], n: 1 });
  });

  it('refreshes a document older than a day, and uses the old one, saying so, when offline', async () => {
    await cache().get('ovh-eu', '1.0/domain', async () => 'first');
    clock += day + 1;
    (await cache().get('ovh-eu', '1.0/domain', async () => 'second')).should.have.properties({ value: 'second', stale: false });
    clock += day + 1;
    const offline = await cache().get('ovh-eu', '1.0/domain', async () => {
      throw new Error('connection refused');
    });
    offline.should.have.properties({ value: 'second', stale: true, staleBecause: 'connection refused' });
  });

  it('fails a document never fetched, and keeps the others working', async () => {
    await cache().get('ovh-eu', '1.0/domain', async () => 'domain');
    const err = await rejection(
      cache().get('ovh-eu', '1.0/sms', async () => {
        throw new Error('500');
      }),
    );
    err.message.should.equal('500');
    (await cache().get('ovh-eu', '1.0/domain', async () => 'unused')).value!.should.equal('domain');
    (await cache().get('ovh-ca', '1.0/domain', async () => 'canada')).value!.should.equal('canada');
  });

  it('keeps the real descriptions the simulator serves, readable again from disk', async () => {
    const sim: OvhSimulator = await startSimulator();
    const client = clientFor(sim);
    try {
      const index = await cache().get(sim.baseUrl, '1.0/', () => client.describeApi('1.0'));
      readFamilyList(index.value).should.containEql('/domain');
      await cache().get(sim.baseUrl, '1.0/domain', () => client.describeApi('1.0', '/domain'));
      await sim.close();
      const fromDisk = await cache().get(sim.baseUrl, '1.0/domain', () => client.describeApi('1.0', '/domain'));
      readFamily('1.0', '/domain', fromDisk.value).operations.length.should.equal(110);
    } finally {
      await client.close();
      await sim.close().catch(() => undefined);
    }
  });

  it('keeps the folder under its budget, removing the documents written longest ago', async () => {
    const small = new DescriptionCache({ dir, now: () => clock, maxTotalBytes: 3500 });
    const text = 'x'.repeat(1000);
    for (const name of ['a', 'b', 'c', 'd']) {
      await small.get('ovh-eu', `1.0/${name}`, async () => text);
      await new Promise((resolve) => setTimeout(resolve, 20)); // one write time each
    }
    (await small.keptBytes()).should.be.belowOrEqual(3500);
    ((await small.peek('ovh-eu', '1.0/a')) === undefined).should.be.true();
    for (const name of ['b', 'c', 'd']) (await small.peek('ovh-eu', `1.0/${name}`))!.should.equal(text);
  });

  it('refuses a document over its size, from the API or from disk, and keeps nothing of it', async () => {
    const small = new DescriptionCache({ dir, now: () => clock, maxDocumentBytes: 1000 });
    const err = await rejection(small.get('ovh-eu', '1.0/big', async () => 'x'.repeat(2000)));
    err.should.be.instanceOf(UnreadableDocument);
    err.message.should.match(/larger than .* the most one description may weigh/);
    (await small.keptBytes()).should.equal(0);
    // Kept by a cache that allowed more (an older version): not read back, fetched again.
    await cache().get('ovh-eu', '1.0/big', async () => 'x'.repeat(2000));
    ((await small.peek('ovh-eu', '1.0/big')) === undefined).should.be.true();
    (await small.get('ovh-eu', '1.0/big', async () => 'smaller')).value!.should.equal('smaller');
  });

  it('hands a document over already read, and says what it weighs', async () => {
    let reads = 0;
    const read = (value: unknown) => {
      reads++;
      return (value as { apis: unknown[] }).apis.length;
    };
    const first = await cache().get('ovh-eu', '1.0/', async () => ({ apis: [1, 2, 3] }), read);
    first.value.should.equal(3);
    first.bytes.should.equal(await cache().keptBytes()); // the one file kept
    (await cache().get('ovh-eu', '1.0/', async () => ({ apis: [] }), read)).value.should.equal(3); // from disk
    reads.should.equal(2);
    // A document that is not what the reader reads: refused, saying what it weighed.
    const err = await rejection(
      cache().get(
        'ovh-eu',
        '1.0/odd',
        async () => 'not a list',
        () => {
          throw new Error('not a family list');
        },
      ),
    );
    err.should.be.instanceOf(UnreadableDocument);
    err.message.should.equal('not a family list');
    (err.bytes as number).should.be.above(10);
  });
});
