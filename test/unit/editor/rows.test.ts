/**
 * The request dialog's parameter rows as data (editor/rows.ts), without a browser: what a row
 * saves, which rows an operation shows and what moves between them; and what Try cannot set.
 */
import 'should';
import {
  defaultValueType,
  fieldsOfPath,
  placeholderFields,
  rowsToShow,
  emptyAllowed,
  savedRow,
  shownValueType,
  startValue,
  type Field,
  type SavedRow,
} from '../../../editor/rows';
import { tryRows } from '../../../nodes/admin/try-rows';

const field = (name: string, place: string, extra: Partial<Field> = {}): Field => ({ name, in: place, type: 'string', ...extra });
const row = (name: string, place: string, value: string, extra: Partial<SavedRow> = {}): SavedRow => ({
  name,
  in: place,
  type: 'string',
  required: false,
  value,
  valueType: 'str',
  ...extra,
});

describe('editor: parameter rows', () => {
  describe('what a row saves', () => {
    it('saves a row with a value, and a required one even empty (the runtime says it is missing)', () => {
      savedRow(field('zoneName', 'path', { required: true }), 'str', '')!.should.eql(
        row('zoneName', 'path', '', { required: true }),
      );
      savedRow(field('fieldType', 'query'), 'msg', 'topic')!.should.eql(row('fieldType', 'query', 'topic', { valueType: 'msg' }));
      (savedRow(field('subDomain', 'query'), 'str', '') === undefined).should.be.true();
    });

    it('saves an enum choice as text, and one’s own row without an API type, kept while it has a name', () => {
      savedRow(field('fieldType', 'query', { enum: ['A', 'MX'] }), 'enum', 'MX')!.valueType.should.equal('str');
      const own = savedRow(field('x-tag', 'body', { custom: true }), 'str', '')!;
      own.should.eql({ name: 'x-tag', in: 'body', required: false, value: '', valueType: 'str', custom: true });
      (savedRow(field('', 'query', { custom: true }), 'str', 'lost') === undefined).should.be.true();
    });
  });

  describe('which rows an operation shows', () => {
    it('moves a typed value to the field of the same name, in the same place first', () => {
      const kept = [row('target', 'body', 'from body'), row('target', 'query', 'from query')];
      const shown = rowsToShow([field('target', 'query'), field('target', 'body')], kept, true);
      shown.map((r) => `${r.field.in}:${r.value}`).should.eql(['query:from query', 'body:from body']);
    });

    it('drops the values a described operation does not take, and keeps them for a path it does not describe', () => {
      const kept = [row('gone', 'query', 'x'), row('empty', 'query', '')];
      rowsToShow([field('zoneName', 'path')], kept, true)
        .map((r) => r.field.name)
        .should.eql(['zoneName']);
      const undescribed = rowsToShow([field('zoneName', 'path')], kept, false);
      undescribed.map((r) => r.field.name).should.eql(['zoneName', 'gone']); // an empty one is not worth a row
      undescribed[1].field.leftover!.should.be.true(); // the API no longer vouches for it: it may be removed
    });

    it("always keeps one's own rows, last", () => {
      const kept = [row('mine', 'body', '1', { custom: true }), row('zoneName', 'path', 'example.com')];
      const shown = rowsToShow([field('zoneName', 'path')], kept, true);
      shown
        .map((r) => [r.field.name, r.value, !!r.field.custom])
        .should.eql([
          ['zoneName', 'example.com', false],
          ['mine', '1', true],
        ]);
    });

    it('offers a row per placeholder of the path, and none for a value written in it', () => {
      placeholderFields('/domain/zone/{zoneName}/record/{id}')
        .map((f) => f.name)
        .should.eql(['zoneName', 'id']);
      placeholderFields('/a/{}/{b/c}').should.eql([]);
      fieldsOfPath([field('zoneName', 'path'), field('id', 'path'), field('q', 'query')], '/domain/zone/example.com/record/{id}')
        .map((f) => f.name)
        .should.eql(['id', 'q']);
    });

    it("starts a value with the TypedInput type of the API's type", () => {
      defaultValueType(field('a', 'query', { type: 'long' })).should.equal('num');
      defaultValueType(field('a', 'query', { type: 'boolean' })).should.equal('bool');
      defaultValueType(field('a', 'body', { type: 'string[]' })).should.equal('json');
      defaultValueType(field('a', 'body', { type: 'complexType.UnitAndValue<long>' })).should.equal('json');
      defaultValueType(field('a', 'body', { type: 'domain.zone.NamedResolutionFieldTypeEnum', enum: ['A'] })).should.equal(
        'enum',
      );
      defaultValueType(field('a', 'query', { type: 'ipv4' })).should.equal('str');
      // A text saved from an enum's list shows as the list; any other text stays text.
      shownValueType(field('a', 'query', { enum: ['A', 'MX'] }), 'str', 'MX').should.equal('enum');
      shownValueType(field('a', 'query', { enum: ['A', 'MX'] }), 'str', 'other').should.equal('str');
    });
  });

  describe('rows Try cannot set (the runtime’s rule, nodes/try-rows.ts)', () => {
    it('names the rows read from a msg, context, env or JSONata, and those of them the call needs', () => {
      const rows = [
        row('zoneName', 'path', 'zone', { valueType: 'msg' }),
        row('id', 'path', '42', { valueType: 'num' }),
        row('subDomain', 'query', 'sub', { valueType: 'flow' }),
        row('target', 'body', 'payload.ip', { valueType: 'jsonata', required: true }),
        row('ttl', 'body', '', { valueType: 'env' }), // empty: not sent at all
        row('weight', 'body', '2', { valueType: '' }), // saved without a type: text
        row('gone', 'path', 'x', { valueType: 'global' }), // no longer a placeholder of the path
      ];
      const { literal, unset, needed } = tryRows(rows, '/domain/zone/{zoneName}/record/{id}');
      literal.map((r) => r.name).should.eql(['id', 'weight']);
      unset.map((r) => r.name).should.eql(['zoneName', 'subDomain', 'target', 'gone']);
      needed.map((r) => r.name).should.eql(['zoneName', 'target']);
    });
  });

  describe('a model field', () => {
    const autobackup = field('autobackup', 'body', { type: 'cloud.instance.AutoBackup', template: { cron: '', rotation: 0 } });

    it('starts as JSON with its shape to fill in, unless a value was saved', () => {
      defaultValueType(autobackup).should.equal('json');
      startValue(autobackup, undefined).should.equal('{"cron":"","rotation":0}');
      startValue(autobackup, '{"cron":"0 1 * * *","rotation":7}').should.equal('{"cron":"0 1 * * *","rotation":7}');
      startValue(field('name', 'body'), undefined).should.equal('');
    });

    it('is not saved as offered when optional; filled in, or required, it is', () => {
      (savedRow(autobackup, 'json', '{"cron":"","rotation":0}') === undefined).should.be.true();
      (savedRow(autobackup, 'json', '{ "cron": "", "rotation": 0 }') === undefined).should.be.true();
      savedRow(autobackup, 'json', '{"cron":"0 1 * * *","rotation":7}')!.value.should.equal('{"cron":"0 1 * * *","rotation":7}');
      savedRow({ ...autobackup, required: true }, 'json', '{"cron":"","rotation":0}')!.valueType.should.equal('json');
    });

    it('may stay empty unless required', () => {
      emptyAllowed(autobackup).should.be.true();
      emptyAllowed({ ...autobackup, required: true }).should.be.false();
    });
  });
});
