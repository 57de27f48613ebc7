/**
 * Answers and values no walk may choke on: JSON nested thousands deep from a hostile server is
 * refused before anything parses it further, with an error naming the call; a value from a flow
 * nested too deep is refused before anything is sent; the depth checks themselves never recurse.
 */
import should from 'should';
import {
  MOST_NESTING,
  MOST_PARSED_BYTES,
  OvhClient,
  OvhError,
  OvhInputError,
  jsonTextTooDeep,
  nestedTooDeep,
  toSchemaType,
} from '../../../nodes/client';
import { deepJson, startHostileApi, type HostileApi } from '../../helpers/hostile-api';
import { rejection } from '../../helpers';

describe('hostile answers and values', function () {
  this.timeout(20_000);
  let api: HostileApi;
  const clients: OvhClient[] = [];
  const client = () => {
    const c = new OvhClient({
      endpoint: api.baseUrl,
      appKey: 'app',
      appSecret: 'secret',
      consumerKey: 'consumer',
      timeoutMs: 5_000,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    clients.push(c);
    return c;
  };
  before(async () => {
    api = await startHostileApi();
  });
  after(() => api.close());
  afterEach(async () => {
    api.calls.length = 0;
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('refuses an answer nested 6,000 deep with an error naming the call and its query id, read once', async () => {
    api.answer = () => ({ body: deepJson(6000) });
    const err = await rejection(client().request('GET', '/deep/{id}', { params: { id: 'x' } }));
    err.should.be.instanceOf(OvhError);
    should(err.code).equal('ANSWER_TOO_DEEP');
    err.message.should.match(/^GET \/deep\/\{id\} failed: /);
    err.message.should.match(/nested deeper than 64 levels/);
    err.message.should.match(/\(query id EU\.hostile\.0\)$/);
    err.should.have.properties({ method: 'GET', path: '/deep/{id}', statusCode: 200, queryId: 'EU.hostile.0' });
    // The same answer would come again: not retried.
    api.calls.should.eql(['/1.0/deep/x']);
  });

  it('gathers every item of a page of 300,000 items (allPages), without overflowing the stack', async () => {
    api.answer = () => ({ body: JSON.stringify(Array.from({ length: 300_000 }, (_, i) => ({ id: i }))) });
    const { items, pages } = await client().allPages('/many');
    items.should.have.length(300_000);
    pages.should.equal(1);
  });

  it('refuses a deep error answer the same way, and does not retry it', async () => {
    api.answer = () => ({ status: 503, body: deepJson(6000) });
    const err = await rejection(client().get('/deep'));
    should(err.code).equal('ANSWER_TOO_DEEP');
    should(err.statusCode).equal(503);
    api.calls.should.have.length(1);
  });

  it(`reads an answer nested ${MOST_NESTING} deep, and brackets inside strings do not count`, async () => {
    api.answer = () => ({ body: deepJson(MOST_NESTING) });
    ((await client().get('/edge')) as object).should.be.an.Object();
    api.answer = () => ({ body: JSON.stringify({ text: '{['.repeat(5000) + '\\"' + ']}'.repeat(5000), list: [[1]] }) });
    should(((await client().get('/strings')) as { list: unknown }).list).eql([[1]]);
    api.answer = () => ({ body: deepJson(MOST_NESTING + 1) });
    should((await rejection(client().get('/over'))).code).equal('ANSWER_TOO_DEEP');
  });

  it('refuses an answer that would weigh too much once parsed, before parsing it, and reads a large plain one', async () => {
    // `{},` weighs about 110 bytes parsed for its 3 bytes of text: a few MB of it, hundreds of MB.
    const items = Math.ceil(MOST_PARSED_BYTES / 100);
    const heavy = '[' + '{},'.repeat(items) + '{}]';
    api.answer = () => ({ body: heavy });
    const err = await rejection(client().get('/heavy'));
    should(err.code).equal('ANSWER_TOO_LARGE');
    err.message.should.match(/^GET \/heavy failed: the answer \(200, \d+ MB\) would take about \d+ MB of memory once read/);
    api.calls.should.eql(['/1.0/heavy']); // not retried: the same answer would come again
    // As large in bytes, but text: read.
    api.answer = () => ({ body: JSON.stringify(['x'.repeat(heavy.length)]) });
    ((await client().get('/text')) as string[])[0].length.should.equal(heavy.length);
  });

  it('refuses a body nested too deep before anything is sent', async () => {
    let body: Record<string, unknown> = {};
    for (let i = 0; i < 6000; i++) body = { a: body };
    const err = await rejection(client().post('/me/contact', body));
    err.should.be.instanceOf(OvhInputError);
    err.message.should.match(/The body cannot be written as JSON: it nests deeper than 64 levels/);
    api.calls.should.eql([]);
  });

  it('refuses a list type nested thousands deep (a flow file can hold anything) without overflowing', () => {
    (() => toSchemaType('x', 'string' + '[]'.repeat(5_000), 'names')).should.throw(OvhInputError, {
      message: /Parameter "names": its type nests lists deeper than 64 levels/,
    });
    should(toSchemaType('x', 'string[][]', 'names')).eql([['x']]);
  });

  it('checks nesting without recursion, in time linear in the text or the values', () => {
    jsonTextTooDeep('['.repeat(1_000_000) + ']'.repeat(1_000_000)).should.be.true();
    jsonTextTooDeep('"' + '['.repeat(1000) + '"').should.be.false();
    jsonTextTooDeep('["\\\\", [[1]]]', 2).should.be.true(); // an escaped backslash ends no string
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    nestedTooDeep(deep).should.be.true();
    // 64 levels, each holding the level below twice: 2^64 paths, walked once per level.
    let shared: unknown = 1;
    for (let i = 0; i < MOST_NESTING; i++) shared = { left: shared, right: shared };
    const started = Date.now();
    nestedTooDeep(shared).should.be.false();
    nestedTooDeep({ wrapped: shared }).should.be.true();
    (Date.now() - started).should.be.below(1000);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    nestedTooDeep(circular).should.be.true();
    nestedTooDeep(Buffer.alloc(1_000_000)).should.be.false();
  });
});
