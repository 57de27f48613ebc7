import should from 'should';
import {
  DEFAULT_RETRY,
  FRESH_RETRY_STATE,
  decide,
  retryAfterMs,
  type AttemptOutcome,
  type RetryState,
} from '../../../nodes/client/retry';
import { TokenCache, refreshAfterMs } from '../../../nodes/client/oauth2';

describe('Retry-After', () => {
  const now = Date.parse('Sun, 06 Nov 1994 08:49:00 GMT');

  it('reads delta-seconds', () => {
    should(retryAfterMs('1', now)).equal(1000);
    should(retryAfterMs(' 120 ', now)).equal(120_000);
    should(retryAfterMs('0', now)).equal(0);
    should(retryAfterMs(['2', '9'], now)).equal(2000);
  });

  it('reads the three HTTP-date forms, a past date as 0', () => {
    should(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', now)).equal(37_000);
    should(retryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', now)).equal(37_000);
    should(retryAfterMs('Sun Nov  6 08:49:37 1994', now)).equal(37_000);
    should(retryAfterMs('Sun, 06 Nov 1994 08:48:00 GMT', now)).equal(0);
  });

  it('gives nothing for anything else, so the backoff decides', () => {
    for (const value of [
      undefined,
      '',
      ' ',
      '-1',
      '-5',
      '1,2',
      '1.5',
      '0x10',
      '1e3',
      'soon',
      '2024-01-01',
      'Tomorrow',
      '06 Nov 1994',
    ]) {
      should(retryAfterMs(value, now)).be.undefined();
    }
  });
});

describe('OAuth2 token cache', () => {
  it('refreshes 10 s before expiry, or at half the lifetime of a short-lived token', () => {
    refreshAfterMs(3599).should.equal(3_589_000);
    refreshAfterMs(20).should.equal(10_000);
    refreshAfterMs(11).should.equal(5_500);
    refreshAfterMs(1).should.equal(500);
    refreshAfterMs(0).should.equal(0);
    refreshAfterMs(-5).should.equal(0);
  });

  it('hands out a token that arrives already spent instead of fetching again', async () => {
    let clock = 1_000_000;
    let fetches = 0;
    const cache = new TokenCache(
      async () => ({ accessToken: `t${++fetches}`, expiresIn: 0 }),
      () => clock,
    );
    (await cache.get()).should.equal('t1');
    fetches.should.equal(1);
    should(cache.cached()).be.undefined();
    (await cache.get()).should.equal('t2');
    fetches.should.equal(2);
    clock += 1;
    (await cache.get()).should.equal('t3');
  });

  it('shares one fetch between concurrent callers, and keeps a fresh token until its refresh time', async () => {
    let clock = 0;
    let fetches = 0;
    const cache = new TokenCache(
      async () => ({ accessToken: `t${++fetches}`, expiresIn: 8 }),
      () => clock,
    );
    (await Promise.all([cache.get(), cache.get(), cache.get()])).should.eql(['t1', 't1', 't1']);
    clock = 3_999;
    should(cache.cached()).equal('t1');
    clock = 4_000;
    should(cache.cached()).be.undefined();
    (await cache.get()).should.equal('t2');
    cache.invalidate('t1'); // an older token: the newer one stays
    should(cache.cached()).equal('t2');
    cache.invalidate('t2');
    should(cache.cached()).be.undefined();
  });
});

describe('the retry rules', () => {
  const half = () => 0.5; // backoff of attempt n: 3/4 of min(5000, 200 * 2^(n-1))
  const answered = (statusCode: number, extra: Partial<Extract<AttemptOutcome, { kind: 'answered' }>> = {}): AttemptOutcome => ({
    kind: 'answered',
    statusCode,
    signed: true,
    bearer: false,
    ...extra,
  });
  const transport = (reachedServer: boolean, aborted = false, repeatable = true): AttemptOutcome => ({
    kind: 'transport',
    aborted,
    reachedServer,
    repeatable,
  });

  /** Runs outcomes through the rules as the call loop does, and lists the actions taken. */
  function run(method: 'GET' | 'POST' | 'PUT' | 'DELETE', outcomes: AttemptOutcome[], options = DEFAULT_RETRY): string[] {
    let state: RetryState = FRESH_RETRY_STATE;
    const actions: string[] = [];
    for (const outcome of outcomes) {
      const decision = decide(outcome, state, method, options, { random: half, now: 0 });
      state = decision.state;
      const next = decision.next;
      actions.push(next.action === 'wait' ? `wait ${next.ms}` : next.action);
      if (next.action === 'return' || next.action === 'fail') break;
    }
    return actions;
  }

  it('returns an answer below 400 at once', () => {
    run('GET', [answered(200)]).should.eql(['return']);
    run('POST', [answered(204)]).should.eql(['return']);
  });

  it('retries network failures and 5xx of GET, PUT and DELETE with a growing backoff, three attempts in all', () => {
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      run(method, [transport(true), answered(502), answered(500)]).should.eql(['wait 150', 'wait 300', 'fail']);
    }
  });

  it('repeats a POST only when it never reached the server', () => {
    run('POST', [transport(false), transport(false), transport(false)]).should.eql(['wait 150', 'wait 300', 'fail']);
    run('POST', [transport(true)]).should.eql(['fail']);
    run('POST', [answered(500)]).should.eql(['fail']);
    run('POST', [answered(429, { retryAfter: '1' })]).should.eql(['fail']);
  });

  it('waits as long as Retry-After asks on 429 and 503, up to the cap', () => {
    run('GET', [answered(429, { retryAfter: '2' }), answered(200)]).should.eql(['wait 2000', 'return']);
    run('GET', [answered(503, { retryAfter: '1' }), answered(200)]).should.eql(['wait 1000', 'return']);
    run('GET', [answered(429, { retryAfter: '31' })]).should.eql(['fail']);
    run('GET', [answered(500, { retryAfter: '9' }), answered(200)]).should.eql(['wait 150', 'return']);
    run('GET', [answered(429, { retryAfter: '-1' }), answered(200)]).should.eql(['wait 150', 'return']);
  });

  it('re-syncs the clock once for a refused timestamp of a signed call', () => {
    const late = answered(400, { errorCode: 'QUERY_TIME_OUT' });
    run('POST', [late, late]).should.eql(['resync', 'fail']);
    run('GET', [late, answered(200)]).should.eql(['resync', 'return']);
    run('GET', [answered(400, { errorCode: 'QUERY_TIME_OUT', signed: false })]).should.eql(['fail']);
  });

  it('renews a refused bearer token once', () => {
    const refused = answered(401, { signed: false, bearer: true });
    run('POST', [refused, refused]).should.eql(['renewToken', 'fail']);
    run('GET', [answered(401)]).should.eql(['fail']);
  });

  it('never retries other 4xx, nor an aborted attempt', () => {
    for (const status of [400, 403, 404, 409, 460]) run('GET', [answered(status)]).should.eql(['fail']);
    run('GET', [transport(false, true)]).should.eql(['fail']);
    run('GET', [transport(true, false, false)]).should.eql(['fail']); // an answer over the size limit
  });

  it('counts a re-sync and a renewal apart from the failures', () => {
    run('GET', [answered(400, { errorCode: 'QUERY_TIME_OUT' }), answered(500), answered(500), answered(500)]).should.eql([
      'resync',
      'wait 150',
      'wait 300',
      'fail',
    ]);
    run('GET', [answered(500)], { ...DEFAULT_RETRY, maxAttempts: 1 }).should.eql(['fail']);
  });
});
