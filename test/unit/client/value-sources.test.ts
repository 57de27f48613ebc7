/**
 * Where a field's values come from, read from the whole EU API's description (the real copies in
 * test/fixtures): path placeholders from the list before them, body and query ids from a list
 * beside or above the operation, each labelled from the model of what is listed.
 */
import 'should';
import {
  findOperation,
  labelOf,
  labelParts,
  readFamily,
  sourceCoverage,
  type Family,
  type Operation,
  type ValueSource,
} from '../../../nodes/client';
import { fullApiFamilies } from '../../helpers/full-api';

describe('value sources from the API description', function () {
  let families: Family[];

  before(() => {
    families = [];
    for (const { branch, name, description } of fullApiFamilies()) {
      try {
        families.push(readFamily(branch, name, description));
      } catch {
        // A family that describes no paths (`/products`) has no fields.
      }
    }
  });

  function operation(method: string, path: string): Operation {
    const found = families.flatMap((f) => f.operations).find((o) => o.method === method && o.path === path);
    if (!found) throw new Error(`${method} ${path} is not in the description`);
    return found;
  }

  function sourceOf(method: string, path: string, field: string): ValueSource {
    const source = operation(method, path).sources?.[field];
    if (!source) throw new Error(`${field} of ${method} ${path} has no source`);
    return source;
  }

  it('labels a DNS record id with its sub-domain, type and target, read item by item', function () {
    const source = sourceOf('PUT', '/domain/zone/{zoneName}/record/{id}', 'id');
    source.should.eql({
      list: '/domain/zone/{zoneName}/record',
      item: '/domain/zone/{zoneName}/record/{id}',
      labels: [{ property: 'subDomain' }, { property: 'fieldType' }, { property: 'target' }],
      // The body's subDomain is the value written, not a filter of the records.
      narrowedBy: [],
      what: 'record',
    });
    labelOf({ id: 1002, subDomain: 'home', fieldType: 'A', target: '203.0.113.7', ttl: 60 }, source.labels).should.equal(
      'home · A · 203.0.113.7',
    );
  });

  it('finds the Public Cloud lists a new instance takes its body ids from, narrowed by region', function () {
    const path = '/cloud/project/{serviceName}/instance';
    const flavor = sourceOf('POST', path, 'flavorId');
    flavor.should.eql({
      list: '/cloud/project/{serviceName}/flavor',
      valueProperty: 'id',
      labels: [{ property: 'name' }, { property: 'region' }, { property: 'ram', unit: 'GiB' }],
      narrowedBy: ['region'],
    });
    labelOf({ id: 'f1', name: 'b2-7', region: 'GRA11', ram: 7, vcpus: 2 }, flavor.labels).should.equal('b2-7 · GRA11 · 7 GiB');
    sourceOf('POST', path, 'imageId').should.containDeep({ list: '/cloud/project/{serviceName}/image', valueProperty: 'id' });
    sourceOf('POST', path, 'imageId').narrowedBy.should.containEql('region');
    // `sshKeyId` is listed at `sshkey`: the name's case differs.
    sourceOf('POST', path, 'sshKeyId').should.containDeep({ list: '/cloud/project/{serviceName}/sshkey', valueProperty: 'id' });
    // The regions are bare names; each is read to be labelled.
    sourceOf('POST', path, 'region').should.containDeep({
      list: '/cloud/project/{serviceName}/region',
      item: '/cloud/project/{serviceName}/region/{regionName}',
    });
  });

  it('gives a placeholder the list before it, and a family of bare names its item reads', function () {
    sourceOf('GET', '/sms/{serviceName}/jobs', 'serviceName').list.should.equal('/sms');
    const project = sourceOf('GET', '/cloud/project/{serviceName}/instance', 'serviceName');
    project.list.should.equal('/cloud/project');
    // A project's name is its description: what its owner typed.
    project.labels[0].should.eql({ property: 'description' });
    // Every serviceName is "Service name" in the description; the item's IAM action says what it is.
    project.what!.should.equal('public cloud project');
    sourceOf('GET', '/domain/zone/{zoneName}/record/{id}', 'zoneName').what!.should.equal('dns zone');
    sourceOf('GET', '/domain/zone/{zoneName}/record/{id}', 'id').what!.should.equal('record');
    sourceOf('GET', '/sms/{serviceName}/jobs', 'serviceName').what!.should.equal('sms');
  });

  it('shares one source between the operations of a path', function () {
    const sources = ['GET', 'PUT', 'DELETE'].map((m) => sourceOf(m, '/domain/zone/{zoneName}/record/{id}', 'zoneName'));
    sources[0].should.equal(sources[1]);
    sources[1].should.equal(sources[2]);
  });

  it('gives no source to what a person writes', function () {
    const path = '/cloud/project/{serviceName}/instance';
    const sources = operation('POST', path).sources ?? {};
    sources.should.not.have.property('name');
    sources.should.not.have.property('userData');
    const withNames = families.flatMap((f) => f.operations).filter((o) => o.sources?.displayName || o.sources?.firstName);
    withNames.should.have.length(0);
  });

  it('labels only with what a label can show, with units from the description', function () {
    const models = {
      'a.Thing': {
        properties: {
          name: { type: 'string' },
          region: { type: 'a.Region' },
          ram: { type: 'long', description: 'Memory (Mio)' },
          status: { type: 'a.Status' },
        },
      },
      'a.Status': { enum: ['ok', 'ko'] },
      'a.Region': { properties: { code: { type: 'string' } } },
    };
    labelParts(models, 'a.Thing').should.eql([{ property: 'name' }, { property: 'ram', unit: 'MiB' }, { property: 'status' }]);
    labelOf({ name: 'x'.repeat(300), ram: null, status: { nested: true } }, labelParts(models, 'a.Thing')).should.equal(
      'x'.repeat(80),
    );
  });

  it('reaches nine placeholders in ten and more than two body or query ids in five of the whole API', function () {
    const total = { path: { fields: 0, sourced: 0 }, other: { fields: 0, sourced: 0 } };
    for (const family of families) {
      const coverage = sourceCoverage(family.operations, family.models);
      for (const place of ['path', 'other'] as const) {
        total[place].fields += coverage[place].fields;
        total[place].sourced += coverage[place].sourced;
      }
    }
    // What the README reports (10,462 placeholders, 9,741 with a source; 1,273 ids, 582).
    (total.path.sourced / total.path.fields).should.be.above(0.9);
    (total.other.sourced / total.other.fields).should.be.above(0.4);
  });

  it('weighs a bounded number of fields, however many a hostile model holds', function () {
    // 30,000 body fields with long camel-case names: weighing each against every other would
    // take minutes; the first 300 are weighed, each against a set made once.
    const properties = Object.fromEntries(
      Array.from({ length: 30_000 }, (_, i) => [`f${i}${'WordPart'.repeat(40)}Id`, { type: 'string' }]),
    );
    const description = {
      apis: [
        {
          path: '/h/{serviceName}/thing',
          operations: [{ httpMethod: 'POST', parameters: [{ paramType: 'body', dataType: 'h.Big' }] }],
        },
        { path: '/h/{serviceName}/wordPart', operations: [{ httpMethod: 'GET', responseType: 'h.Item[]', parameters: [] }] },
      ],
      models: { 'h.Big': { properties }, 'h.Item': { properties: { id: { type: 'string' } } } },
    };
    const started = process.hrtime.bigint();
    const family = readFamily('1.0', '/h', description);
    const sources = family.operations.find((o) => o.method === 'POST')!.sources ?? {};
    // The first fields' last words name a list beside the operation; past the bound, none is weighed.
    Object.keys(sources).length.should.equal(300);
    sources[`f0${'WordPart'.repeat(40)}Id`].list.should.equal('/h/{serviceName}/wordPart');
    // A guard against an endless read, not a measure: seconds before the bound, milliseconds now.
    Number((process.hrtime.bigint() - started) / 1_000_000n).should.be.below(3000);
  });

  it('keeps the sources on the operation a call finds', function () {
    const domain = families.find((f) => f.name === '/domain' && f.branch === '1.0');
    const found = findOperation(domain!.operations, 'GET', '/domain/zone/example.com/record/1002');
    found!.sources!.id.list.should.equal('/domain/zone/{zoneName}/record');
  });
});
