/**
 * The API's descriptions parsed and read in a worker thread: only the reading's result comes
 * back; a document too intricate, or too slow, is refused and the worker replaced; one worker,
 * one document at a time, a bounded queue, ended when idle, never keeping the process alive.
 */
import 'should';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescriptionReader, DocumentTooIntricate, ReaderBusy, type Reading } from '../../../nodes/client';
import { rejection, repoRoot } from '../../helpers';

const names = { kind: 'family-list', most: 10, mostNameLength: 100 } as const satisfies Reading;
const list = (...paths: string[]) => ({ bytes: Buffer.from(JSON.stringify({ apis: paths.map((p) => ({ path: p })) })) });
/** `{"apis":[{},{},...]}` of about `bytes`: twenty times its text once parsed. */
const emptyObjects = (bytes: number) => ({ bytes: Buffer.from(`{"apis":[${'{},'.repeat(Math.floor(bytes / 3))}{}]}`) });
/** A family list of about `bytes` whose parse takes long: a family's models of many small properties. */
const slowList = (bytes: number) => {
  const model = JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_v, i) => [`p${i}`, { type: 'string' }])));
  const count = Math.floor(bytes / (model.length + 12));
  return {
    bytes: Buffer.from(
      `{"apis":[{"path":"/slow"}],"models":{${Array.from({ length: count }, (_v, i) => `"m${i}":${model}`).join(',')}}}`,
    ),
  };
};

describe('the description reader (a worker thread)', function () {
  this.timeout(60_000);
  const readers: DescriptionReader[] = [];
  const reader = (options: ConstructorParameters<typeof DescriptionReader>[0] = {}) => {
    const made = new DescriptionReader(options);
    readers.push(made);
    return made;
  };
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.close()));
  });

  it('reads a document into what its reading keeps, from bytes or from a kept file', async () => {
    const r = reader();
    const domain = list('/domain', '/sms', '/not a family');
    (await r.read(domain, names))!.should.eql({ value: ['/domain', '/sms'], fetchedAt: undefined, bytes: domain.bytes.length });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-reader-'));
    try {
      const file = path.join(dir, 'index.json');
      fs.writeFileSync(file, `{"fetchedAt":42,"value":${list('/me').bytes.toString()}}`);
      (await r.read({ file, maxBytes: 1000 }, names))!.should.have.properties({ value: ['/me'], fetchedAt: 42 });
      ((await r.read({ file, maxBytes: 10 }, names)) === undefined).should.be.true(); // larger than allowed: not read
      ((await r.read({ file: path.join(dir, 'none.json'), maxBytes: 1000 }, names)) === undefined).should.be.true();
      fs.writeFileSync(file, '{"value":[]}'); // not a kept document
      ((await r.read({ file, maxBytes: 1000 }, names)) === undefined).should.be.true();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    (await rejection(r.read({ bytes: Buffer.from('<html>') }, names))).message.should.equal(
      'the API did not answer a list of families',
    );
  });

  it('refuses a document that would fill its heap, before parsing it, and reads the next one', async () => {
    const r = reader({ heapMb: 64 });
    const started = Date.now();
    const err = await rejection(r.read(emptyObjects(4 * 1024 * 1024), names));
    err.should.be.instanceOf(DocumentTooIntricate);
    err.message.should.equal('it is too large or too intricate to read (it would take more than 64 MB of memory or 5 s)');
    (Date.now() - started).should.be.below(3_000);
    (await r.read<string[]>(list('/after'), names))!.value.should.eql(['/after']);
  });

  it('refuses a document read past its deadline, and reads the next one in a new worker', async () => {
    // A large heap: the document is let through to its parse, which takes seconds.
    const r = reader({ heapMb: 1024, deadlineMs: 300 });
    await r.read(list('/warm'), names); // the worker started: its start is not the document's time
    const slow = slowList(60 * 1024 * 1024);
    const started = Date.now();
    (await rejection(r.read(slow, names))).should.be.instanceOf(DocumentTooIntricate);
    (Date.now() - started).should.be.below(3_000);
    r.running.should.be.false(); // the worker stuck in its parse is ended
    (await r.read<string[]>(list('/next'), names))!.value.should.eql(['/next']);
    r.running.should.be.true();
  });

  it('reads one document at a time, and refuses at once past the documents it may hold waiting', async () => {
    const r = reader({ mostWaiting: 2 });
    const reads = ['/a', '/b', '/c', '/d'].map((name) => r.read(list(name), names).catch((err: Error) => err));
    const [a, b, c, d] = await Promise.all(reads);
    (a as { value: string[] }).value.should.eql(['/a']); // being read, not waiting
    (b as { value: string[] }).value.should.eql(['/b']);
    (c as { value: string[] }).value.should.eql(['/c']);
    d!.should.be.instanceOf(ReaderBusy);
  });

  it('ends its worker when idle, and on close refuses what waits', async () => {
    const r = reader({ idleMs: 100 });
    await r.read(list('/a'), names);
    r.running.should.be.true();
    await new Promise((resolve) => setTimeout(resolve, 400));
    r.running.should.be.false();
    const pending = r.read(list('/b'), names).catch((err: Error) => err);
    await r.close();
    ((await pending) as Error).message.should.equal('the description reader was closed');
    r.running.should.be.false();
  });

  it('never keeps the process running once a document is read', () => {
    const script = `
      const { DescriptionReader } = require(${JSON.stringify(path.join(repoRoot, 'dist/nodes/client/description-reader.js'))});
      const started = Date.now();
      new DescriptionReader({ idleMs: 60000 })
        .read({ bytes: Buffer.from('{"apis":[{"path":"/a"}]}') }, { kind: 'family-list', most: 1, mostNameLength: 9 })
        .then((read) => console.log(JSON.stringify(read.value)));
      process.on('exit', () => console.log(Date.now() - started));`;
    const [value, ms] = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 }).trim().split('\n');
    value.should.equal('["/a"]');
    Number(ms).should.be.below(10_000); // not the minute it would stay idle
  });
});
