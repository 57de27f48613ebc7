import should from 'should';
import { retryAfterMs } from '../../nodes/client/retry';
import { TokenCache, refreshAfterMs } from '../../nodes/client/oauth2';

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
