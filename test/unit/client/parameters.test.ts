/** Conversion of a value to the API's type for a parameter, and the fields an operation offers. */
import should from 'should';
import fc from 'fast-check';
import { OvhInputError, modelsUsed, operationFields, readFamily, toSchemaType } from '../../../nodes/client';
import { fixtureFile } from '../../helpers';
import { fullApiFamilies } from '../../helpers/full-api';
import fs from 'node:fs';

describe('parameter types', () => {
  it('converts text to numbers and booleans, and numbers, booleans and dates to text', () => {
    should(toSchemaType('300', 'long', 'ttl')).equal(300);
    should(toSchemaType(' -4 ', 'int', 'n')).equal(-4);
    should(toSchemaType('1.5e2', 'double', 'x')).equal(150);
    should(toSchemaType('TRUE', 'boolean', 'b')).equal(true);
    should(toSchemaType(42, 'string', 's')).equal('42');
    should(toSchemaType(false, 'password', 's')).equal('false');
    should(toSchemaType(new Date(Date.UTC(2026, 0, 2)), 'date', 'd')).equal('2026-01-02');
    should(toSchemaType('12', 'coreTypes.ServiceId:long', 'id')).equal(12);
    should(toSchemaType(['1', 2], 'long[]', 'ids')).eql([1, 2]);
    should(toSchemaType('A', 'domain.zone.RecordTypeEnum', 'fieldType')).equal('A');
    should(toSchemaType({ a: 1 }, 'iam.policy.Creation', 'body')).eql({ a: 1 });
    should(toSchemaType(null, 'long', 'ttl')).equal(null);
  });

  it('refuses what the type cannot hold, naming the parameter and the type', () => {
    const refused = (value: unknown, type: string, message: RegExp) => {
      const err = (() => {
        try {
          toSchemaType(value, type, 'p');
        } catch (thrown) {
          return thrown;
        }
        throw new Error(`${String(value)} was taken as ${type}`);
      })();
      should(err).be.instanceOf(OvhInputError);
      (err as Error).message.should.match(message);
    };
    refused('0x10', 'long', /"p" must be a whole number \(long\), not "0x10"/);
    refused('1.5', 'long', /whole number/);
    refused(2 ** 60, 'long', /whole number/);
    refused('', 'double', /a number \(double\), not ""/);
    refused('yes', 'boolean', /true or false/);
    refused(1, 'boolean', /true or false/);
    refused({}, 'string', /text \(string\), not an object/);
    refused(Number.NaN, 'ip', /text/);
    refused(['x'], 'long[]', /"p\[0\]" must be a whole number/);
  });

  it('gives back every safe integer written as text, and refuses any other text for a long', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => toSchemaType(String(n), 'long', 'n') === n));
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const n = toSchemaType(s, 'long', 'n') as number;
          return /^\s*[-+]?\d+\s*$/.test(s) && Number.isSafeInteger(n);
        } catch (err) {
          return err instanceof OvhInputError;
        }
      }),
    );
  });

  it('offers placeholders in path order, query parameters, then the named body fields, never headers', () => {
    const family = readFamily('1.0', '/sms', JSON.parse(fs.readFileSync(fixtureFile('ovh-api-schemas/1.0/sms.json'), 'utf8')));
    const send = family.operations.find((o) => o.method === 'POST' && o.path === '/sms/{serviceName}/jobs')!;
    const fields = operationFields(send, family.models);
    fields[0].should.match({ name: 'serviceName', in: 'path', required: true });
    fields
      .slice(1)
      .every((f) => f.in === 'body')
      .should.be.true();
    fields.map((f) => f.name).should.containDeep(['message', 'receivers', 'sender']);
    fields[1].should.match({ name: 'message', required: true }); // required first, in API order otherwise
    const iam = readFamily('v2', '/iam', JSON.parse(fs.readFileSync(fixtureFile('ovh-api-schemas/v2/iam.json'), 'utf8')));
    const list = iam.operations.find((o) => o.method === 'GET' && o.path === '/v2/iam/policy')!;
    operationFields(list, iam.models)
      .some((f) => f.name.startsWith('X-Pagination'))
      .should.be.false();
  });

  it('gives a field whose type is a model its shape to fill in, from the models kept', () => {
    const cloud = fullApiFamilies().find((f) => f.branch === '1.0' && f.name === '/cloud')!;
    const family = readFamily('1.0', '/cloud', cloud.description);
    const create = family.operations.find((o) => o.method === 'POST' && o.path === '/cloud/project/{serviceName}/instance')!;
    const fields = operationFields(create, modelsUsed([create], family.models));
    const field = (name: string) => fields.find((f) => f.name === name)!;
    field('autobackup').template!.should.eql({ cron: '', rotation: 0 });
    field('networks').template!.should.eql([{ ip: '', networkId: '' }]);
    // Plain values have none: the row takes them as they are typed.
    should(field('flavorId').template).be.undefined();
    should(field('monthlyBilling').template).be.undefined();
  });

  it('keeps of the models only what the fields read: the same fields for every operation of the whole API', () => {
    let whole = 0;
    let kept = 0;
    let operations = 0;
    for (const { branch, name, description } of fullApiFamilies()) {
      let family;
      try {
        family = readFamily(branch, name, description);
      } catch {
        continue; // /products describes models only
      }
      const used = modelsUsed(family.operations, family.models);
      for (const operation of family.operations) {
        operations++;
        operationFields(operation, used).should.eql(
          operationFields(operation, family.models),
          `${operation.method} ${operation.path}`,
        );
      }
      whole += JSON.stringify(family.models).length;
      kept += JSON.stringify(used).length;
    }
    operations.should.be.above(6000);
    kept.should.be.below(whole / 4); // 4.5 MB of models, of which the fields read about 0.6 MB
  });

  it('keeps a model named __proto__ or constructor as any other, and nothing of a model no field names', () => {
    const family = readFamily('1.0', '/odd', {
      apis: [
        {
          path: '/odd',
          operations: [
            {
              httpMethod: 'POST',
              parameters: [
                { name: '', dataType: '__proto__', paramType: 'body' },
                { name: 'kind', dataType: 'constructor', paramType: 'query' },
              ],
            },
          ],
        },
      ],
      models: JSON.parse(
        '{"__proto__": {"properties": {"a": {"type": "constructor", "required": true}, "b": {"type": "string", "readOnly": true}}},' +
          '"constructor": {"enum": ["x", "y"]}, "answer.Only": {"properties": {"c": {"type": "string"}}}}',
      ) as Record<string, unknown>,
    });
    const used = modelsUsed(family.operations, family.models);
    Object.keys(used).sort().should.eql(['__proto__', 'constructor']);
    operationFields(family.operations[0], used).should.eql(operationFields(family.operations[0], family.models));
    operationFields(family.operations[0], used)
      .map((f) => `${f.name} ${f.enum?.join(',')}`)
      .should.eql(['kind x,y', 'a x,y']);
  });
});
