/** What ovh-watch counts as a change: ids of items, fields by dotted path, key order ignored. */
import 'should';
import { MOST_NESTING, isPlainObject } from '../../../nodes/client';
import { WorkDeadline } from '../../../nodes/client/work';
import {
  compare,
  compareWork,
  fieldChanges,
  idOf,
  keptCopy,
  nothingLike,
  seenOf,
  seenOfWork,
  stableJson,
  type Event,
  type FieldChange,
  type Seen,
} from '../../../nodes/calls/watch-changes';

describe('watch changes', () => {
  const all = { removed: true, changed: true, fields: [] };

  it('knows an item by itself, the id field given, or the first usual id field', () => {
    idOf(42).should.equal('42');
    idOf('sms-1').should.equal('sms-1');
    idOf({ billId: 'FR1', name: 'x' }).should.equal('FR1');
    idOf({ name: 'x', ref: 'r' }, 'ref').should.equal('r');
    idOf({ a: 1, b: 2 }).should.equal(idOf({ b: 2, a: 1 }));
  });

  it('lists added, changed and removed items of a list, removed last', () => {
    const before = seenOf([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 3, v: 'c' },
    ]);
    const now = seenOf([
      { id: 4, v: 'd' },
      { id: 2, v: 'B' },
      { id: 1, v: 'a' },
    ]);
    compare(before, now, all)
      .map((e) => `${e.event} ${'id' in e ? e.id : ''}`)
      .should.eql(['added 4', 'changed 2', 'removed 3']);
    compare(before, now, { ...all, removed: false, changed: false })
      .map((e) => e.event)
      .should.eql(['added']);
  });

  it('names the fields that changed by dotted path, lists compared whole', () => {
    fieldChanges({ a: { b: 1, c: [1] }, d: 1 }, { a: { b: 2, c: [1, 2] }, d: 1 }).should.eql([
      { path: 'a.b', from: 1, to: 2 },
      { path: 'a.c', from: [1], to: [1, 2] },
    ]);
    fieldChanges({ a: 1 }, { a: 1, n: null }).should.eql([{ path: 'n', from: undefined, to: null }]);
    fieldChanges({ b: 1, a: 2 }, { a: 2, b: 1 }).should.eql([]);
  });

  it('names 300,000 changed fields under one field without overflowing the stack', () => {
    const fields = (value: number) => Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`k${i}`, value]));
    const changes = fieldChanges({ a: fields(0) }, { a: fields(1) });
    changes.should.have.length(300_000);
    changes[299_999].should.eql({ path: 'a.k299999', from: 0, to: 1 });
  });

  it('counts only the watched fields: at, under or above them', () => {
    const before = { state: 'ok', counter: 1, routedTo: { serviceName: 'a' } };
    fieldChanges(before, { ...before, counter: 2 }, ['state']).should.eql([]);
    fieldChanges(before, { ...before, state: 'error' }, ['state']).should.have.length(1);
    fieldChanges(before, { ...before, routedTo: { serviceName: 'b' } }, ['routedTo']).should.have.length(1);
    fieldChanges(before, { ...before, routedTo: null }, ['routedTo.serviceName']).should.have.length(1);
    fieldChanges(before, { ...before, statex: 1 }, ['state']).should.eql([]);
  });

  it('sends everything once at a first check asked to, from nothing', () => {
    const list = seenOf([1, 2]);
    compare(nothingLike(list), list, all)
      .map((e) => e.event)
      .should.eql(['added', 'added']);
    const value = seenOf({ state: 'ok' });
    compare(nothingLike(value), value, all).should.match([{ event: 'changed', changes: [{ path: '', to: { state: 'ok' } }] }]);
  });

  it('treats a list that became an object (or back) as all new', () => {
    compare(seenOf({ a: 1 }), seenOf([1]), all).should.match([{ event: 'added', id: '1' }]);
    stableJson(undefined).should.equal('undefined');
  });

  it('walks objects at most 64 levels down, and refuses a value nested deeper instead of overflowing the stack', () => {
    const nest = (depth: number, leaf: unknown) => {
      let value = leaf;
      for (let i = 0; i < depth; i++) value = { a: value };
      return value;
    };
    // Below 64 levels, the field that changed is named by its whole path.
    fieldChanges(nest(10, 1), nest(10, 2)).should.eql([{ path: Array(10).fill('a').join('.'), from: 1, to: 2 }]);
    // Past 64 levels, what lies deeper is compared whole, named by its first 64 levels.
    fieldChanges(nest(100, 1), nest(100, 2)).should.eql([
      { path: Array(64).fill('a').join('.'), from: nest(36, 1), to: nest(36, 2) },
    ]);
    const deep = nest(6000, 1);
    (() => compare(seenOf(nest(1, 0)), seenOf({ a: deep }), all)).should.throw({ code: 'TOO_DEEP' });
    (() => stableJson(deep)).should.throw(/nests deeper than 64 levels/);
    (() => seenOf([{ a: deep }])).should.throw({ code: 'TOO_DEEP' });
  });

  /** fieldChanges as it is defined: objects walked, anything else compared by its stable JSON text. */
  const changesByDefinition = (before: unknown, now: unknown, at = '', level = 0): FieldChange[] => {
    if (isPlainObject(before) && isPlainObject(now) && level < MOST_NESTING) {
      const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
      return [...keys].flatMap((key) => changesByDefinition(before[key], now[key], at ? `${at}.${key}` : key, level + 1));
    }
    return stableJson(before) === stableJson(now) ? [] : [{ path: at, from: before, to: now }];
  };

  it('finds the same changes as comparing the JSON text of every field, without writing it', () => {
    const values: unknown[] = [
      undefined,
      null,
      0,
      -0,
      1,
      NaN,
      Infinity,
      '',
      '1',
      'null',
      true,
      false,
      [],
      [null],
      [undefined],
      [() => 1],
      [1, 2],
      [2, 1],
      {},
      { a: undefined },
      { a: null },
      { a: 1, b: [1, { c: 2 }] },
      { b: [1, { c: 2 }], a: 1 },
      { b: [1, { c: 3 }], a: 1 },
      { a: NaN },
      { a: () => 1 },
      JSON.parse('{"__proto__": 1}'),
      JSON.parse('{"constructor": 1}'),
      new Date(0),
      new Date(0).toISOString(),
      { toJSON: () => 'x' },
      'x',
      Buffer.from('ab'),
      { type: 'Buffer', data: [97, 98] },
      new Map([[1, 2]]),
      [[[[{ deep: [1] }]]]],
      [[[[{ deep: [2] }]]]],
    ];
    for (const a of values) {
      for (const b of values) {
        const pair = `${stableJson(a)} / ${stableJson(b)}`;
        fieldChanges(a, b).should.eql(changesByDefinition(a, b), pair);
        fieldChanges({ f: a, g: [a] }, { f: b, g: [b] }).should.eql(
          changesByDefinition({ f: a, g: [a] }, { f: b, g: [b] }),
          pair,
        );
        const changes = changesByDefinition(a, b, 'v', 1);
        compare(seenOf([{ id: 1, v: a }]), seenOf([{ id: 1, v: b }]), all).should.eql(
          changes.length > 0 ? [{ event: 'changed', id: '1', item: { id: 1, v: b }, previous: { id: 1, v: a }, changes }] : [],
          pair,
        );
      }
    }
  });

  it('compares an item nested to the limit as a change of the field that differs, and refuses one nested past it', () => {
    const nest = (depth: number, leaf: unknown) => {
      let value = leaf;
      for (let i = 0; i < depth; i++) value = { a: value };
      return value;
    };
    // The same 64 levels of objects, then a value nested 64 deep compared whole, in a list: the same item.
    compare(seenOf([{ id: 1, v: nest(63, [nest(63, 1)]) }]), seenOf([{ id: 1, v: nest(63, [nest(63, 1)]) }]), all).should.eql([]);
    // One level more in what is compared whole: refused, equal or not.
    for (const leaf of [1, 2]) {
      (() =>
        compare(
          seenOf([{ id: 1, v: nest(63, [nest(64, 1)]) }]),
          seenOf([{ id: 1, v: nest(63, [nest(64, leaf)]) }]),
          all,
        )).should.throw({
        code: 'TOO_DEEP',
        message: /A value to compare nests deeper than 64 levels/,
      });
    }
    // A value that holds itself, in a list, never compared past the limit.
    const loop: unknown[] = [];
    loop.push(loop);
    (() => compare(seenOf([{ id: 1, v: loop }]), seenOf([{ id: 1, v: loop }]), all)).should.throw({ code: 'TOO_DEEP' });
  });

  it('answers the same when it pauses between items, and keeps a copy that shares nothing with the answer', () => {
    const list = (n: number, changed: number) =>
      Array.from({ length: n }, (_, i) => ({ id: i, name: `item ${i}`, state: i === changed ? 'changed' : 'ok', tags: [i % 3] }));
    const before = seenOf(list(5000, -1));
    const answer = [...list(5000, 1234), { id: 'new', name: 'new' }];
    /** Runs the work, counting its pauses, a slice of at most 1 ms each. */
    const sliced = <T>(work: (deadline: WorkDeadline) => Generator<void, T, void>) => {
      const deadline = new WorkDeadline(Infinity, 1);
      const running = work(deadline);
      for (let pauses = 0; ; pauses++) {
        const step = running.next();
        if (step.done) return { answer: step.value, pauses };
        deadline.nextSlice();
      }
    };
    const now = sliced((d) => seenOfWork(answer, '', d));
    now.answer.should.eql(seenOf(answer));
    const events = sliced((d) => compareWork(before, now.answer, all, d));
    events.pauses.should.be.above(0);
    events.answer.should.eql(compare(before, now.answer, all));
    events.answer
      .map((e: Event) => [e.event, e.id, e.event === 'changed' ? e.changes : []])
      .should.eql([
        ['changed', '1234', [{ path: 'state', from: 'ok', to: 'changed' }]],
        ['added', 'new', []],
      ]);
    const kept = sliced((d) => keptCopy(now.answer, d)).answer as Extract<Seen, { kind: 'list' }>;
    kept.should.eql(JSON.parse(JSON.stringify(now.answer)));
    (answer[7] as { tags: number[] }).tags.push(99);
    (kept.items[7][1] as object).should.eql({ id: 7, name: 'item 7', state: 'ok', tags: [1] });
  });
});
