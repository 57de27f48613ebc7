/** What ovh-watch counts as a change: ids of items, fields by dotted path, key order ignored. */
import 'should';
import { compare, fieldChanges, idOf, nothingLike, seenOf, stableJson } from '../../nodes/watch-changes';

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
});
