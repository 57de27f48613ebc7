/**
 * The values a field can take, read from the simulator as the real API description's sources say,
 * each labelled: DNS records by sub-domain, type and target (one call for whole objects, or
 * item by item, bounded), Public Cloud flavors narrowed by the region chosen beside them.
 */
import 'should';
import {
  OvhInputError,
  checkSource,
  readFamily,
  readValueList,
  type Operation,
  type ValueSource,
  VALUE_LIST_LIMITS,
} from '../../../nodes/client';
import { CLOUD_PROJECT } from '../../simulator/data';
import type { OvhSimulator } from '../../simulator/simulator';
import { clientFor, rejection, startSimulator } from '../../helpers';
import { fullApiFamilies } from '../../helpers/full-api';

describe('value lists, labelled', function () {
  let sim: OvhSimulator;
  let operations: Operation[];

  before(async () => {
    sim = await startSimulator();
    operations = fullApiFamilies()
      .filter((f) => f.branch === '1.0' && (f.name === '/domain' || f.name === '/cloud'))
      .flatMap((f) => readFamily(f.branch, f.name, f.description).operations);
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.cachedObjectLists = true;
    sim.requests.length = 0;
  });

  function sourceOf(method: string, path: string, field: string): ValueSource {
    const source = operations.find((o) => o.method === method && o.path === path)?.sources?.[field];
    if (!source) throw new Error(`no source for ${field}`);
    // As the dialog sends it back: what it received, as JSON.
    return checkSource(JSON.parse(JSON.stringify(source)));
  }

  const recordId = () => sourceOf('PUT', '/domain/zone/{zoneName}/record/{id}', 'id');

  it('labels DNS record ids in one call for whole objects', async function () {
    const list = await readValueList(clientFor(sim), 'id', recordId(), { zoneName: 'example.com' });
    list.listPath.should.equal('/domain/zone/example.com/record');
    list.values.should.eql([1001, 1002, 1003, 1004]);
    list.labels!.should.eql([
      'A · 203.0.113.10',
      'www · A · 203.0.113.10',
      'MX · 1 mx1.example.net.',
      'TXT · "v=spf1 include:mx.example.net ~all"',
    ]);
    list.more.should.be.false();
    sim.requests.filter((r) => r.path.includes('/record')).should.have.length(1);
  });

  it('reads the items one by one when the list answers ids only, no more than its bound', async function () {
    sim.cachedObjectLists = false;
    const client = clientFor(sim);
    const all = await readValueList(client, 'id', recordId(), { zoneName: 'example.com' });
    all.labels![1].should.equal('www · A · 203.0.113.10');
    all.unlabelled!.should.equal(0);
    sim.requests.length = 0;
    const limits = { ...VALUE_LIST_LIMITS, mostItemReads: 2, itemConcurrency: 1 };
    const bounded = await readValueList(client, 'id', recordId(), { zoneName: 'example.com' }, limits);
    bounded.values.should.have.length(4);
    bounded.labels!.slice(2).should.eql(['', '']);
    bounded.unlabelled!.should.equal(2);
    sim.requests.filter((r) => /\/record\/\d+$/.test(r.path)).should.have.length(2);
  });

  it('narrows flavors by the region chosen beside them, and labels them from the objects', async function () {
    const source = sourceOf('POST', '/cloud/project/{serviceName}/instance', 'flavorId');
    const list = await readValueList(clientFor(sim), 'flavorId', source, { serviceName: CLOUD_PROJECT, region: 'GRA11' });
    list.labels!.should.eql(['b2-7 · GRA11 · 7 GiB', 'd2-2 · GRA11 · 2 GiB']);
    list.values.should.have.length(2);
    String(list.values[0]).should.match(/^f1a2b3c4-/);
    sim.requests.at(-1)!.url.should.endWith('?region=GRA11');
    const everywhere = await readValueList(clientFor(sim), 'flavorId', source, { serviceName: CLOUD_PROJECT });
    everywhere.values.should.have.length(5);
  });

  it('says which value to choose first, before any call', async function () {
    const err = await rejection(
      readValueList(clientFor(sim), 'flavorId', sourceOf('POST', '/cloud/project/{serviceName}/instance', 'flavorId'), {}),
    );
    err.should.be.instanceOf(OvhInputError);
    err.message.should.equal('Choose {serviceName} first: the values of flavorId depend on it');
    sim.requests.should.have.length(0);
  });

  it('says when the key may not read the list', async function () {
    const key = sim.addConsumerKey([{ method: 'GET', path: '/me' }]);
    const list = await readValueList(clientFor(sim, { consumerKey: key }), 'id', recordId(), { zoneName: 'example.com' });
    list.values.should.eql([]);
    list.refused!.should.match(/not been granted|not allowed|denied/i);
  });

  it('refuses a source that is not a list of the API', function () {
    const refused = [
      { list: 'https://elsewhere.example/x' },
      { list: '/domain/zone/{zoneName}/record', item: '/me/{id}' },
      { list: '/a', valueProperty: 'x y' },
      { list: '/a', labels: [{ property: '<b>' }] },
      { list: '/a', labels: [{ property: 'ram', unit: '</li>' }] },
      { list: '/a', narrowedBy: ['a=b'] },
      null,
    ];
    for (const raw of refused) (() => checkSource(raw)).should.throw(OvhInputError);
    checkSource({
      list: '/a',
      labels: [{ property: 'name' }, { property: 'b' }, { property: 'c' }, { property: 'd' }],
    }).labels.should.have.length(3);
  });
});
