/** The access rules the flows' calls need: merged, never wider than the placeholders require. */
import 'should';
import fc from 'fast-check';
import { compareRules, ruleCovers, ruleOf, rulesForCalls, type FlowCall } from '../../../nodes/client';
import { TooMuchWorkError, compareRulesWork, rulesDeadline, rulesForCallsWork } from '../../../nodes/client/flow-rules';
import type { Work, WorkDeadline } from '../../../nodes/client/work';
import { compareByDefinition, rulesByDefinition } from '../../helpers/flow-rules-oracle';

/** Paths as flows write them: a few literal segments and placeholders, maybe a /1.0 prefix or a query. */
const segment = fc.oneof(
  fc.constantFrom('domain', 'zone', 'record', 'refresh', 'sms', 'jobs', 'me'),
  fc.constantFrom('{zoneName}', '{id}', '{serviceName}'),
);
const callPath = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.boolean())
  .map(([segments, prefix, query]) => `${prefix ? '/1.0' : ''}/${segments.join('/')}${query ? '?a=1' : ''}`);
const calls = fc.array(
  fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    path: callPath,
    by: fc.constantFrom('n1', 'n2', 'n3', 'n4'),
  }),
  { maxLength: 12 },
);

/**
 * Paths made to meet every case of the index: placeholders first, inside a segment or side by
 * side (`**`, which covers `*` and is covered by it), paths that begin others, empty segments.
 */
const anyPath = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', '/', '{x}', '{y}'), { maxLength: 7 }), fc.boolean())
  .map(([tokens, prefix]) => `${prefix ? '/1.0' : ''}/${tokens.join('')}`);
const anyCalls = fc.array(
  fc.record({ method: fc.constantFrom('GET', 'POST', 'get'), path: anyPath, by: fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5') }),
  { maxLength: 16 },
);
const anyKeyRules = fc.array(
  fc.record({
    method: fc.constantFrom('GET', 'POST', 'get'),
    path: fc.array(fc.constantFrom('a', 'b', '/', '*'), { maxLength: 6 }).map((tokens) => `/${tokens.join('')}`),
  }),
  { maxLength: 8 },
);

describe('rules for the flows', () => {
  it('turns placeholders into * and covers as the API reads rules', () => {
    ruleOf('get', '/1.0/domain/zone/{zoneName}/record?fieldType=A').should.eql({ method: 'GET', path: '/domain/zone/*/record' });
    ruleCovers({ method: 'GET', path: '/domain/zone/*' }, ruleOf('GET', '/domain/zone/{zoneName}/record')).should.be.true();
    ruleCovers({ method: 'GET', path: '/domain/zone/*' }, ruleOf('GET', '/domain/zone')).should.be.false();
    ruleCovers({ method: 'POST', path: '/domain/zone/*' }, ruleOf('GET', '/domain/zone/x')).should.be.false();
    ruleCovers({ method: 'GET', path: '/domain/zone/*/record' }, ruleOf('GET', '/domain/zone/{zoneName}')).should.be.false();
  });

  it('merges a flow of several nodes into the fewest rules, naming who needs each', () => {
    const flows: FlowCall[] = [
      { method: 'GET', path: '/domain/zone/{zoneName}/record', by: 'find record' },
      { method: 'PUT', path: '/domain/zone/{zoneName}/record/{id}', by: 'update record' },
      { method: 'POST', path: '/domain/zone/{zoneName}/refresh', by: 'refresh zone' },
      { method: 'GET', path: '/domain/zone/{zoneName}', by: 'read zone' },
      { method: 'GET', path: '/domain/zone', by: 'list zones' },
      { method: 'GET', path: '/domain/zone/{zoneName}/record', by: 'another find' },
    ];
    rulesForCalls(flows)
      .map((r) => `${r.method} ${r.path} <- ${r.by.join(', ')}`)
      .should.eql([
        'GET /domain/zone <- list zones',
        'GET /domain/zone/* <- read zone, find record, another find',
        'PUT /domain/zone/*/record/* <- update record',
        'POST /domain/zone/*/refresh <- refresh zone',
      ]);
  });

  it('allows every call, needs every rule, and is never wider than the placeholders (property-based)', () => {
    fc.assert(
      fc.property(calls, (gathered) => {
        const rules = rulesForCalls(gathered);
        const own = gathered.map((c) => ruleOf(c.method, c.path));
        // Every gathered call is allowed.
        const allowed = own.every((needed) => rules.some((r) => ruleCovers(r, needed)));
        // Each rule is needed: without it, some call is no longer allowed.
        const needed = rules.every((rule) => own.some((call) => !rules.some((r) => r !== rule && ruleCovers(r, call))));
        // No rule is wider than a call's own.
        const narrow = rules.every((rule) => own.some((call) => call.method === rule.method && call.path === rule.path));
        // Each rule names exactly the callers it allows.
        const named = rules.every((rule) =>
          gathered.filter((c) => ruleCovers(rule, ruleOf(c.method, c.path))).every((c) => rule.by.includes(c.by)),
        );
        return allowed && needed && narrow && named;
      }),
      { numRuns: 2000 },
    );
  });

  it('answers exactly what comparing every pair answers: rules, callers and their order (property-based)', () => {
    fc.assert(
      fc.property(anyCalls, (gathered) => {
        rulesForCalls(gathered).should.eql(rulesByDefinition(gathered));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(calls, (gathered) => {
        rulesForCalls(gathered).should.eql(rulesByDefinition(gathered));
      }),
      { numRuns: 1000 },
    );
  });

  it("compares a key's rules exactly as comparing every pair does (property-based)", () => {
    fc.assert(
      fc.property(anyKeyRules, anyCalls, (keyRules, gathered) => {
        compareRules(keyRules, gathered).should.eql(compareByDefinition(keyRules, gathered));
      }),
      { numRuns: 3000 },
    );
  });

  it('compares honest calls only with the rules their paths can reach: thousands in milliseconds', () => {
    // Distinct paths, four methods in turn, each list read as objects too: no rule covers another.
    const many = Array.from({ length: 4000 }, (_, i) => ({
      method: ['GET', 'POST', 'PUT', 'DELETE'][i % 4],
      path: `/x${i >> 1}${i % 2 ? '/{id}' : ''}`,
      by: `b${i}`,
    }));
    const started = performance.now();
    const rules = rulesForCalls(many, rulesDeadline(1000));
    const took = performance.now() - started;
    rules.length.should.equal(4000);
    rules.slice(0, 3).should.eql([
      { method: 'GET', path: '/x0', by: ['b0'] },
      { method: 'POST', path: '/x0/*', by: ['b1'] },
      { method: 'PUT', path: '/x1', by: ['b2'] },
    ]);
    took.should.be.below(500); // about 10 ms; every pair compared, seconds
    const keyRules = [
      { method: 'GET', path: '/x1*' },
      { method: 'PUT', path: '/x2/*' },
      { method: 'DELETE', path: '/y/*' },
    ];
    compareRules(keyRules, many, rulesDeadline(1000)).should.eql(compareByDefinition(keyRules, many));
  });

  it('stops at its deadline, within a few milliseconds of it, when the paths give the index nothing to go on', () => {
    // Every rule begins with `*`: each may cover every other, so every pair is compared.
    const wild = Array.from({ length: 4000 }, (_, i) => ({ method: 'GET', path: `/{x}/a${i}`, by: `b${i}` }));
    // The matcher's worst case: 2,000 key rules `/*a*a*a...`, each against 2,000 paths of a's.
    const slow = Array.from({ length: 2000 }, (_, i) => ({ method: 'GET', path: '/' + '*a'.repeat(100) + i }));
    const long = Array.from({ length: 2000 }, (_, i) => ({ method: 'GET', path: '/' + 'a'.repeat(300) + i, by: `b${i}` }));
    for (const work of [() => rulesForCalls(wild, rulesDeadline(20)), () => compareRules(slow, long, rulesDeadline(20))]) {
      const started = performance.now();
      work.should.throw(TooMuchWorkError, { message: /Too many calls or rules to compare.*within 20 ms/ });
      (performance.now() - started).should.be.below(150);
    }
  });

  it('answers the same when it pauses between slices of work', () => {
    // Rules that begin with `*` and cover one another, so the pauses fall inside every phase.
    const wide = Array.from({ length: 600 }, (_, i) => ({
      method: i % 3 ? 'GET' : 'PUT',
      path: i % 7 ? `/{x}/a${i % 40}/b${i}` : `/{x}/a${i % 40}`,
      by: `n${i % 90}`,
    }));
    const keyRules = Array.from({ length: 100 }, (_, i) => ({ method: 'GET', path: `/*/a${i}*` }));
    /** Runs the work, counting its pauses, a slice of at most 1 ms each. */
    const sliced = <T>(start: (deadline: WorkDeadline) => Work<T>) => {
      const deadline = rulesDeadline(10_000, 1);
      const work = start(deadline);
      for (let pauses = 0; ; pauses++) {
        const step = work.next();
        if (step.done) return { answer: step.value, pauses };
        deadline.nextSlice();
      }
    };
    const rules = sliced((d) => rulesForCallsWork(wide, d));
    rules.pauses.should.be.above(0);
    rules.answer.should.eql(rulesByDefinition(wide));
    const comparison = sliced((d) => compareRulesWork(keyRules, wide, d));
    comparison.answer.should.eql(compareByDefinition(keyRules, wide));
  });

  it('answers or refuses at once rules made to be slow to match (no regular expression)', () => {
    const started = Date.now();
    const k = 20;
    const slow = '/' + Array.from({ length: k }, (_, i) => `{p${i}}a`).join('');
    rulesForCalls([
      { method: 'GET', path: slow, by: 'x' },
      { method: 'GET', path: '/' + 'a'.repeat(3 * k) + 'b', by: 'y' },
    ]).length.should.equal(2);
    compareRules(
      [{ method: 'GET', path: '/' + '*a'.repeat(40) }],
      [{ method: 'GET', path: '/' + 'a'.repeat(200) + 'b', by: 'y' }],
    ).notAllowed.length.should.equal(1);
    const many = Array.from({ length: 400 }, (_, i) => ({ method: 'GET', path: '/' + '{x}a'.repeat(60) + i, by: 'z' }));
    try {
      rulesForCalls(many);
    } catch (err) {
      (err as Error).message.should.match(/Too many calls or rules/);
    }
    (Date.now() - started).should.be.below(5000); // a bound, not a timing claim: hours before the fix
  });

  it("lists the calls a key's rules do not allow, and the rules no call uses", () => {
    const flows: FlowCall[] = [
      { method: 'GET', path: '/domain/zone/{zoneName}/record', by: 'find' },
      { method: 'POST', path: '/domain/zone/{zoneName}/refresh', by: 'refresh' },
    ];
    const keyRules = [
      { method: 'GET', path: '/domain/*' },
      { method: 'DELETE', path: '/*' },
    ];
    const { notAllowed, unused } = compareRules(keyRules, flows);
    notAllowed.map((c) => c.by).should.eql(['refresh']);
    unused.should.eql([{ method: 'DELETE', path: '/*' }]);
  });
});
