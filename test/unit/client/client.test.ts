import net from 'node:net';
import should from 'should';
import {
  OvhAbortError,
  OvhApiError,
  OvhClient,
  OvhInputError,
  OvhNetworkError,
  OvhTimeoutError,
  accessRules,
  signRequest,
} from '../../../nodes/client';
import { DEFAULT_APP, DEFAULT_OAUTH, OvhSimulator } from '../../simulator/simulator';
import { clientFor, connectProxy, rejection, startSimulator } from '../../helpers';

interface Echo {
  method: string;
  url: string;
  path: string;
  search: string;
  query: Record<string, string[]>;
  body: string;
  contentType: string | null;
  contentLength: string | null;
  headers: Record<string, string>;
}

describe('OvhClient against the simulator', function () {
  let sim: OvhSimulator;
  const clients: OvhClient[] = [];
  const client = (options: Parameters<typeof clientFor>[1] = {}) => {
    const c = clientFor(sim, options);
    clients.push(c);
    return c;
  };

  before(async () => {
    sim = await startSimulator();
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => sim.resetCounters());
  afterEach(async () => {
    sim.skewSec = 0;
    sim.iamDenied.clear();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  describe('signed calls', () => {
    it('reads /me with a signed GET, keeping status, headers and the query id', async () => {
      const res = await client().request('GET', '/me');
      res.statusCode.should.equal(200);
      (res.body as { nichandle: string }).nichandle.should.equal('xx1234-ovh');
      res.queryId!.should.match(/^EU\.ext-3\./);
      res.headers['x-ovh-queryid']!.should.equal(res.queryId);
      res.url.should.equal(sim.baseUrl + '/me');
      res.attempts.should.equal(1);
      res.durationMs.should.be.aboveOrEqual(0);
    });

    it('sends the headers the API expects, with a signature the server recomputes', async () => {
      const consumerKey = sim.addConsumerKey();
      const echo = await client({ consumerKey }).get<Echo>('/echo/x');
      echo.headers['x-ovh-application'].should.equal(DEFAULT_APP.appKey);
      echo.headers['x-ovh-consumer'].should.equal(consumerKey);
      const ts = Number(echo.headers['x-ovh-timestamp']);
      Math.abs(ts - sim.serverTime()).should.be.belowOrEqual(1);
      echo.headers['x-ovh-signature'].should.equal(signRequest(DEFAULT_APP.appSecret, consumerKey, 'GET', echo.url, '', ts));
      should(echo.contentType).be.null();
    });

    it('sends the credentials with signed calls only, not with the server time nor the API description', async () => {
      const c = client();
      const from = sim.requests.length;
      await c.describeApi('1.0');
      await c.get('/me');
      const sent = (path: string) => sim.requests.slice(from).find((r) => r.path === path)!.headers;
      for (const path of ['/1.0/auth/time', '/1.0/']) {
        const headers = sent(path);
        Object.keys(headers)
          .filter((name) => name.startsWith('x-ovh-'))
          .should.eql([]);
        headers['user-agent']!.should.equal('node-red-contrib-ovhcloud');
      }
      Object.keys(sent('/1.0/me'))
        .filter((name) => name.startsWith('x-ovh-'))
        .sort()
        .should.eql(['x-ovh-application', 'x-ovh-consumer', 'x-ovh-signature', 'x-ovh-timestamp']);
    });

    it('sends no body and no Content-Type for GET, DELETE and an empty POST or PUT', async () => {
      const c = client();
      for (const method of ['GET', 'DELETE', 'POST', 'PUT']) {
        const echo = (await c.request<Echo>(method, '/echo/empty')).body;
        echo.method.should.equal(method);
        echo.body.should.equal('');
        should(echo.contentType).be.null();
        should(echo.contentLength === null || echo.contentLength === '0').be.true();
      }
    });

    it('refuses a body on GET or DELETE before sending', async () => {
      const err = await rejection(client().request('GET', '/echo/x', { body: { a: 1 } }));
      err.should.be.instanceOf(OvhInputError);
      sim.count().should.equal(0);
    });

    it('sends unicode bodies as escaped JSON, with Content-Length in bytes, exactly as signed', async () => {
      const body = { message: 'tèsté ✓ 😀 "q" / </x> \u2028', n: 1.0, nested: { list: ['ü', null, true] } };
      const echo = await client().post<Echo>('/echo/sms', body);
      echo.body.should.equal(
        '{"message":"t\\u00e8st\\u00e9 \\u2713 \\ud83d\\ude00 \\"q\\" / </x> \\u2028","n":1,"nested":{"list":["\\u00fc",null,true]}}',
      );
      JSON.parse(echo.body).should.eql(body);
      echo.contentType!.should.equal('application/json');
      Number(echo.contentLength).should.equal(Buffer.byteLength(echo.body));
    });

    it('sends unicode and reserved characters in queries and path values as signed', async () => {
      const c = client();
      const echo = await c.get<Echo>('/echo/{zone}/{ip}', {
        params: { zone: 'exämple.com', ip: '192.0.2.0/24' },
        query: { subDomain: 'a b+c&d=e', city: 'Zürich ✓ 😀', flag: true, off: false, gone: null, ids: [1, 2], quote: "it's" },
      });
      echo.path.should.equal('/1.0/echo/ex%C3%A4mple.com/192.0.2.0%2F24');
      echo.query.should.eql({
        subDomain: ['a b+c&d=e'],
        city: ['Zürich ✓ 😀'],
        flag: ['true'],
        off: ['false'],
        ids: ['1', '2'],
        quote: ["it's"],
      });
    });

    it('reaches an IP block through an encoded "/" and gets 404 for an unencoded one', async () => {
      const c = client();
      (await c.get<{ ip: string }>('/ip/{ip}', { params: { ip: '192.0.2.0/24' } })).ip.should.equal('192.0.2.0/24');
      const err = await rejection(c.get('/ip/192.0.2.0/24'));
      err.should.be.instanceOf(OvhApiError);
      (err as unknown as OvhApiError).statusCode.should.equal(404);
    });

    it('routes /v1 and /v2 paths to their branches of the same host', async () => {
      const c = client();
      (await c.get<Echo>('/v1/echo/a')).path.should.equal('/v1/echo/a');
      (await c.get<Echo>('/v2/echo/a')).path.should.equal('/v2/echo/a');
      (await c.get<Echo>('/echo/a')).path.should.equal('/1.0/echo/a');
    });

    it('parses 204-style empty answers and empty 200s as null', async () => {
      const c = client();
      should(await c.post('/domain/zone/example.com/refresh')).be.null();
      should(await c.put('/domain/zone/example.com/record/1001', { target: '203.0.113.99' })).be.null();
      (await c.get<{ target: string }>('/domain/zone/example.com/record/1001')).target.should.equal('203.0.113.99');
      sim.injectFault({ kind: 'empty200', path: '/1.0/me' });
      const res = await c.request('GET', '/me');
      res.statusCode.should.equal(200);
      should(res.body).be.null();
    });

    it('refuses to sign without all three credentials, naming what is missing and sending nothing', async () => {
      const c = new OvhClient({ endpoint: sim.baseUrl, appKey: DEFAULT_APP.appKey });
      clients.push(c);
      const err = await rejection(c.get('/me'));
      err.should.be.instanceOf(OvhInputError);
      err.message.should.equal('Missing credentials: no application secret, no consumer key');
      sim.count().should.equal(0);
    });

    it('keeps connections alive across calls', async () => {
      const c = client();
      for (let i = 0; i < 20; i++) await c.get('/me');
      // The time call's socket may still be on its way back to the pool when the first call starts.
      sim.connections.should.be.belowOrEqual(2);
    });
  });

  describe('server time', () => {
    it('fetches /auth/time once for many concurrent first calls', async () => {
      const c = client();
      await Promise.all(Array.from({ length: 50 }, () => c.get('/me')));
      await Promise.all(Array.from({ length: 50 }, () => c.get('/me')));
      sim.count({ path: '/1.0/auth/time' }).should.equal(1);
      sim.count({ path: '/1.0/me' }).should.equal(100);
      c.serverTimeCalls.should.equal(1);
    });

    for (const skew of [3600, -3600]) {
      it(`succeeds at the first call with the server clock ${skew > 0 ? 'ahead' : 'behind'} by an hour`, async () => {
        sim.skewSec = skew;
        const c = client();
        (await c.get<{ nichandle: string }>('/me')).nichandle.should.equal('xx1234-ovh');
        c.clockOffsetSeconds!.should.be.approximately(skew, 1);
        sim.count({ path: '/1.0/me' }).should.equal(1);
      });
    }

    it('recovers from a skew that changes mid-run with one re-sync shared by concurrent calls', async () => {
      const c = client();
      await c.get('/me');
      sim.skewSec = -600;
      const results = await Promise.all(Array.from({ length: 20 }, () => c.request('GET', '/me')));
      results.every((r) => r.statusCode === 200).should.be.true();
      sim.count({ path: '/1.0/auth/time' }).should.equal(2);
      c.serverTimeCalls.should.equal(2);
    });

    it('reports QUERY_TIME_OUT when the clock still disagrees after the re-sync', async () => {
      const c = client();
      await c.get('/me');
      sim.timeWindowSec = -1; // no timestamp is ever inside the window
      try {
        const err = (await rejection(c.get('/me'))) as unknown as OvhApiError;
        err.should.be.instanceOf(OvhApiError);
        err.errorCode!.should.equal('QUERY_TIME_OUT');
        err.message.should.match(/^GET \/me failed: 400 QUERY_TIME_OUT: Query out of time: .*re-sync \(query id EU\./);
        err.attempts.should.equal(2);
      } finally {
        sim.timeWindowSec = 30;
      }
    });

    it('returns the server time without a signed call', async () => {
      sim.skewSec = 120;
      const t = await client().serverTime();
      t.should.be.approximately(sim.serverTime(), 1);
      sim.count().should.equal(1);
    });
  });

  describe('consumer keys', () => {
    it('requests a key, which stays pending until validated, then works within its rules', async () => {
      const anonymous = new OvhClient({ endpoint: sim.baseUrl, appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret });
      clients.push(anonymous);
      const rules = accessRules('read-only', ['/me', '/domain'], { recursive: true });
      rules.should.eql([
        { method: 'GET', path: '/me' },
        { method: 'GET', path: '/me/*' },
        { method: 'GET', path: '/domain' },
        { method: 'GET', path: '/domain/*' },
      ]);
      const answer = await anonymous.requestConsumerKey({
        accessRules: rules,
        redirection: 'https://example.com/done',
        allowedIPs: ['127.0.0.0/8'],
      });
      answer.state.should.equal('pendingValidation');
      answer.validationUrl.should.startWith(sim.url + '/auth/?credentialToken=');
      const sent = sim.received({ path: '/1.0/auth/credential' })[0];
      should(sent.headers['x-ovh-signature']).be.undefined();
      JSON.parse(sent.body).should.eql({
        accessRules: rules,
        redirection: 'https://example.com/done',
        allowedIPs: ['127.0.0.0/8'],
      });

      const c = client({ consumerKey: answer.consumerKey });
      const pending = (await rejection(c.get('/me'))) as unknown as OvhApiError;
      pending.statusCode.should.equal(403);
      pending.errorCode!.should.equal('INVALID_CREDENTIAL');
      pending.message.should.match(/pending validation \(open its validation URL/);

      sim.validateConsumerKey(new URL(answer.validationUrl).searchParams.get('credentialToken')!, 3600);
      (await c.get<{ nichandle: string }>('/me')).nichandle.should.equal('xx1234-ovh');
      (await c.get<string[]>('/domain')).should.containEql('example.com');
      const current = await c.currentCredential<{ status: string; rules: unknown[]; expiration: string }>();
      current.status.should.equal('validated');
      current.rules.should.eql(rules);
      should.exist(current.expiration);
      sim.received({ path: '/1.0/auth/currentCredential' })[0].headers.should.have.property('x-ovh-signature');

      const denied = (await rejection(c.post('/domain/zone/example.com/refresh'))) as unknown as OvhApiError;
      denied.errorCode!.should.equal('NOT_GRANTED_CALL');
      denied.message.should.match(
        /access rules do not allow this method and path: a rule POST \/domain\/zone\/example\.com\/refresh would allow it/,
      );
    });

    it('names an expired key and an unknown key', async () => {
      const ck = sim.addConsumerKey();
      sim.expireConsumerKey(ck);
      ((await rejection(client({ consumerKey: ck }).get('/me'))) as unknown as OvhApiError).errorCode!.should.equal(
        'INVALID_CREDENTIAL',
      );
      ((await rejection(client({ consumerKey: 'nope' }).get('/me'))) as unknown as OvhApiError).errorCode!.should.equal(
        'NOT_CREDENTIAL',
      );
    });

    it('names a wrong application key and a wrong secret', async () => {
      const badKey = (await rejection(client({ appKey: 'unknownApp' }).get('/me'))) as unknown as OvhApiError;
      badKey.errorCode!.should.equal('INVALID_KEY');
      badKey.message.should.match(/application key is invalid/);
      const badSecret = (await rejection(client({ appSecret: 'wrong' }).get('/me'))) as unknown as OvhApiError;
      badSecret.errorCode!.should.equal('INVALID_SIGNATURE');
      badSecret.message.should.not.match(/wrong/);
    });

    it('builds the presets and recursive rules', () => {
      accessRules('read-write', ['/sms/*'], { recursive: true }).should.eql(
        ['GET', 'POST', 'PUT', 'DELETE'].flatMap((method) => [
          { method, path: '/sms' },
          { method, path: '/sms/*' },
        ]),
      );
      accessRules('read-write-safe')
        .map((r) => r.method)
        .should.eql(['GET', 'POST', 'PUT']);
      accessRules('full', ['/ignored']).should.eql(['GET', 'POST', 'PUT', 'DELETE'].map((method) => ({ method, path: '/*' })));
    });

    it('refuses bad access rules before sending', async () => {
      const c = client();
      const err = await rejection(c.requestConsumerKey({ accessRules: [{ method: 'PATCH' as 'GET', path: '/me' }] }));
      err.should.be.instanceOf(OvhInputError);
      err.message.should.match(/Access rule 1 has method "PATCH"/);
      (await rejection(c.requestConsumerKey({ accessRules: [] }))).message.should.match(/at least one access rule/);
      sim.count().should.equal(0);
    });
  });

  describe('errors', () => {
    it('reads the older error shape', async () => {
      const err = (await rejection(
        client().get('/domain/zone/{zone}/record/{id}', { params: { zone: 'example.com', id: 1 } }),
      )) as unknown as OvhApiError;
      err.should.be.instanceOf(OvhApiError);
      err.statusCode.should.equal(404);
      err.errorClass!.should.equal('Client::NotFound');
      err.apiMessage!.should.equal('The requested object (id = 1) does not exist');
      err.method.should.equal('GET');
      err.path.should.equal('/domain/zone/{zone}/record/{id}');
      err.queryId!.should.match(/^EU\.ext-3\./);
      err.message.should.equal(
        `GET /domain/zone/{zone}/record/{id} failed: 404 Client::NotFound: The requested object (id = 1) does not exist (query id ${err.queryId})`,
      );
    });

    it('reads the newer IAM error shape with its details', async () => {
      sim.iamDenied.add('vps:apiovh:reboot');
      const err = (await rejection(
        client().post('/vps/{name}/reboot', undefined, { params: { name: 'vps-1.vps.ovh.net' } }),
      )) as unknown as OvhApiError;
      err.statusCode.should.equal(403);
      err.errorClass!.should.equal('Client::Forbidden');
      should(err.errorCode).be.undefined();
      (err.details as { unauthorizedActionsByIAM: string }).unauthorizedActionsByIAM.should.equal('vps:apiovh:reboot');
      err.message.should.match(
        /403 Client::Forbidden: User not granted for this request: details: \{"unauthorizedActionsByIAM":"vps:apiovh:reboot"/,
      );
    });

    it('reads an HTML 502 page after its retries', async () => {
      sim.injectFault({ kind: 'html', path: '/1.0/me', count: 3 });
      const err = (await rejection(client().get('/me'))) as unknown as OvhApiError;
      err.statusCode.should.equal(502);
      err.attempts.should.equal(3);
      (err.body as string).should.startWith('<html>');
      err.message.should.match(/^GET \/me failed: 502: 502 Bad Gateway Bad Gateway/);
    });

    it('tells network errors from API errors', async () => {
      const port = await closedPort();
      const c = new OvhClient({
        endpoint: `http://127.0.0.1:${port}/1.0`,
        appKey: 'a',
        appSecret: 'b',
        consumerKey: 'c',
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
      });
      clients.push(c);
      const err = (await rejection(c.get('/me'))) as unknown as OvhNetworkError;
      err.should.be.instanceOf(OvhNetworkError);
      err.should.not.be.instanceOf(OvhApiError);
      err.code.should.equal('ECONNREFUSED');
      err.message.should.match(/^GET \/auth\/time failed: connection refused/);
    });

    it('times out a slow answer and tells it from other network errors', async () => {
      // undici's timers tick about twice a second: a timeout fires within a second of its time.
      const c = client({ timeoutMs: 1000, retry: { maxAttempts: 1 } });
      await c.get('/me');
      sim.injectFault({ kind: 'slow', path: '/1.0/me', delayMs: 4000 });
      const started = Date.now();
      const err = (await rejection(c.get('/me'))) as unknown as OvhTimeoutError;
      (Date.now() - started).should.be.within(900, 2600);
      err.should.be.instanceOf(OvhTimeoutError);
      err.code.should.equal('TIMEOUT');
      err.message.should.equal('GET /me failed: no answer within 1000 ms');
    });
  });

  describe('retries', () => {
    it('retries a GET after 5xx and a reset connection, within its bound', async () => {
      const c = client();
      await c.get('/me');
      sim.resetCounters();
      sim.injectFault({ kind: 'status', status: 503, path: '/1.0/me' });
      sim.injectFault({ kind: 'reset', path: '/1.0/me' });
      const res = await c.request('GET', '/me');
      res.statusCode.should.equal(200);
      res.attempts.should.equal(3);
      sim.count({ path: '/1.0/me' }).should.equal(3);

      sim.injectFault({ kind: 'status', status: 500, path: '/1.0/me', count: 10 });
      const err = (await rejection(c.get('/me'))) as unknown as OvhApiError;
      err.statusCode.should.equal(500);
      err.attempts.should.equal(3);
      sim.count({ path: '/1.0/me' }).should.equal(6);
    });

    it('honours Retry-After on 429', async () => {
      const c = client();
      await c.get('/me');
      sim.resetCounters();
      sim.injectFault({ kind: '429', path: '/1.0/me', retryAfter: '1' });
      const res = await c.request('GET', '/me');
      res.attempts.should.equal(2);
      const [first, second] = sim.received({ path: '/1.0/me' });
      (second.receivedAt - first.receivedAt).should.be.aboveOrEqual(950);
    });

    it('honours Retry-After on 503, with the same cap as on 429', async () => {
      const c = client({ retry: { maxRetryAfterMs: 5000 } });
      await c.get('/me');
      sim.resetCounters();
      sim.injectFault({ kind: 'status', status: 503, path: '/1.0/me', retryAfter: '1' });
      const res = await c.request('GET', '/me');
      res.attempts.should.equal(2);
      const [first, second] = sim.received({ path: '/1.0/me' });
      (second.receivedAt - first.receivedAt).should.be.aboveOrEqual(950);

      sim.injectFault({ kind: 'status', status: 503, path: '/1.0/me', retryAfter: '120' });
      const err = (await rejection(c.get('/me'))) as unknown as OvhApiError;
      err.statusCode.should.equal(503);
      err.attempts.should.equal(1);
    });

    it('falls back to its own backoff when Retry-After is unreadable', async () => {
      const c = client({ retry: { baseDelayMs: 200, maxDelayMs: 200 } }); // a backoff of 100 to 200 ms
      await c.get('/me');
      for (const retryAfter of ['-1', '1,2', 'soon', '0x10']) {
        sim.resetCounters();
        sim.injectFault({ kind: '429', path: '/1.0/me', retryAfter });
        const res = await c.request('GET', '/me');
        res.attempts.should.equal(2);
        const [first, second] = sim.received({ path: '/1.0/me' });
        // The backoff, not an immediate retry ("-1" once read as a date in the past) nor a long wait.
        (second.receivedAt - first.receivedAt).should.be.within(90, 1000);
      }
    });

    it('reports a 429 whose Retry-After is beyond the limit instead of waiting', async () => {
      const c = client({ retry: { maxRetryAfterMs: 500 } });
      sim.injectFault({ kind: '429', path: '/1.0/me', retryAfter: '120' });
      const err = (await rejection(c.get('/me'))) as unknown as OvhApiError;
      err.statusCode.should.equal(429);
      err.attempts.should.equal(1);
    });

    it('never sends a POST twice after it reached the server', async () => {
      const c = client();
      await c.get('/me');
      for (const fault of [
        { kind: 'status' as const, status: 500 },
        { kind: 'reset' as const },
        { kind: '429' as const, retryAfter: '0' },
      ]) {
        sim.resetCounters();
        sim.injectFault({ ...fault, path: '/1.0/sms/sms-ab12345-1/jobs' });
        const err = await rejection(
          c.post('/sms/{s}/jobs', { message: 'hi', receivers: ['+33601020304'] }, { params: { s: 'sms-ab12345-1' } }),
        );
        err.should.be.instanceOf(fault.kind === 'reset' ? OvhNetworkError : OvhApiError);
        sim.count({ method: 'POST' }).should.equal(1, fault.kind);
      }
    });

    it('retries a POST that never reached the server (connection refused)', async () => {
      const gone = await startSimulator();
      const c = clientFor(gone, { retry: { baseDelayMs: 1, maxDelayMs: 2 } });
      clients.push(c);
      await c.get('/me'); // the clock is synced: what follows is the POST alone
      await gone.close();
      await new Promise((r) => setTimeout(r, 50)); // let the pool see its kept-alive socket closed
      const err = (await rejection(c.post('/sms/x/jobs', { a: 1 }))) as unknown as OvhNetworkError;
      err.should.be.instanceOf(OvhNetworkError);
      err.code.should.equal('ECONNREFUSED');
      err.attempts.should.equal(3);
    });

    it('never retries other 4xx', async () => {
      const err = (await rejection(client().get('/domain/nothing.example'))) as unknown as OvhApiError;
      err.statusCode.should.equal(404);
      err.attempts.should.equal(1);
      sim.count({ path: '/1.0/domain/nothing.example' }).should.equal(1);
    });
  });

  describe('closing and aborting', () => {
    it('aborts what is in flight when closed, and refuses calls afterwards', async () => {
      const c = client();
      await c.get('/me');
      sim.injectFault({ kind: 'slow', path: '/1.0/me', delayMs: 1500, count: 5 });
      const calls = Array.from({ length: 5 }, () => rejection(c.get('/me')));
      await new Promise((r) => setTimeout(r, 50));
      await c.close();
      for (const err of await Promise.all(calls)) {
        err.should.be.instanceOf(OvhAbortError);
        err.message.should.match(/client was closed/);
      }
      (await rejection(c.get('/me'))).should.be.instanceOf(OvhAbortError);
    });

    it('aborts one call through its signal', async () => {
      const c = client();
      await c.get('/me');
      sim.injectFault({ kind: 'slow', path: '/1.0/me', delayMs: 1500 });
      const controller = new AbortController();
      const pending = rejection(c.get('/me', { signal: controller.signal }));
      setTimeout(() => controller.abort(), 30);
      (await pending).should.be.instanceOf(OvhAbortError);
      (await c.get<{ nichandle: string }>('/me')).nichandle.should.equal('xx1234-ovh');
    });

    it('aborts a call waiting between retries', async () => {
      const c = client({ retry: { baseDelayMs: 5000, maxDelayMs: 5000 } });
      await c.get('/me');
      sim.injectFault({ kind: 'status', status: 503, path: '/1.0/me' });
      const pending = rejection(c.get('/me'));
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await c.close();
      (await pending).should.be.instanceOf(OvhAbortError);
      (Date.now() - started).should.be.below(1000);
    });
  });

  describe('OAuth2 service accounts', () => {
    const oauthClient = (extra: Record<string, unknown> = {}) => {
      const c = new OvhClient({
        endpoint: sim.baseUrl,
        tokenUrl: sim.tokenUrl,
        clientId: DEFAULT_OAUTH.clientId,
        clientSecret: DEFAULT_OAUTH.clientSecret,
        ...extra,
      });
      clients.push(c);
      return c;
    };

    it('calls with a bearer token: one token for many calls, no signature, no time call', async () => {
      const c = oauthClient();
      c.authType.should.equal('oauth2');
      await Promise.all(Array.from({ length: 20 }, () => c.get('/me')));
      sim.count({ path: '/auth/oauth2/token' }).should.equal(1);
      sim.count({ path: '/1.0/auth/time' }).should.equal(0);
      const call = sim.received({ path: '/1.0/me' })[0];
      call.headers.authorization!.should.match(/^Bearer simtok_/);
      should(call.headers['x-ovh-signature']).be.undefined();
      const form = new URLSearchParams(sim.received({ path: '/auth/oauth2/token' })[0].body);
      form.get('grant_type')!.should.equal('client_credentials');
      form.get('scope')!.should.equal('all');
    });

    it('refreshes a short-lived token at half its lifetime', async () => {
      sim.tokenLifetimeSec = 2;
      try {
        const c = oauthClient();
        await c.get('/me');
        await c.get('/me');
        sim.count({ path: '/auth/oauth2/token' }).should.equal(1);
        await new Promise((r) => setTimeout(r, 1100));
        await c.get('/me');
        sim.count({ path: '/auth/oauth2/token' }).should.equal(2);
      } finally {
        sim.tokenLifetimeSec = 3600;
      }
    });

    it('uses a token valid for 10 s or less instead of fetching tokens in a loop', async () => {
      sim.tokenLifetimeSec = 8;
      try {
        const c = oauthClient();
        await Promise.all(Array.from({ length: 10 }, () => c.get('/me')));
        await c.get('/me');
        sim.count({ path: '/auth/oauth2/token' }).should.equal(1);
        sim.count({ path: '/1.0/me' }).should.equal(11);
      } finally {
        sim.tokenLifetimeSec = 3600;
      }
    });

    it('bounds token fetches per call when every token arrives already expired', async () => {
      sim.tokenLifetimeSec = 0;
      try {
        const c = oauthClient();
        const err = (await rejection(c.get('/me'))) as unknown as OvhApiError;
        err.statusCode.should.equal(401);
        // One token, refused; one renewal, refused: then the call reports it.
        sim.count({ path: '/auth/oauth2/token' }).should.equal(2);
        sim.count({ path: '/1.0/me' }).should.equal(2);
      } finally {
        sim.tokenLifetimeSec = 3600;
      }
    });

    it('fetches a new token once when the API refuses the current one', async () => {
      const c = oauthClient();
      await c.get('/me');
      sim.tokens.clear();
      (await c.get<{ nichandle: string }>('/me')).nichandle.should.equal('xx1234-ovh');
      sim.count({ path: '/auth/oauth2/token' }).should.equal(2);
    });

    it("retries a token endpoint that answers 5xx with the calls' backoff, concurrent calls sharing one token request", async () => {
      sim.injectFault({ kind: 'status', status: 500, path: '/auth/oauth2/token' });
      sim.injectFault({ kind: 'html', status: 502, path: '/auth/oauth2/token' });
      const c = oauthClient({ retry: { baseDelayMs: 50 } });
      const answers = await Promise.all(Array.from({ length: 20 }, () => c.get<{ nichandle: string }>('/me')));
      answers.every((me) => me.nichandle === 'xx1234-ovh').should.be.true();
      // Two refusals, then the token: one request at a time for all twenty calls.
      const tokens = sim.received({ path: '/auth/oauth2/token' });
      tokens.map((r) => r.status).should.eql([500, 502, 200]);
      // With the calls' backoff between them (base 50 ms, then 100 ms: at least half of each).
      (tokens[1].receivedAt - tokens[0].receivedAt).should.be.aboveOrEqual(25);
      (tokens[2].receivedAt - tokens[1].receivedAt).should.be.aboveOrEqual(50);
      sim.count({ path: '/1.0/me' }).should.equal(20);
    });

    it('reports a token endpoint that keeps answering 5xx after the attempts the calls have', async () => {
      sim.injectFault({ kind: 'status', status: 503, path: '/auth/oauth2/token', count: 10 });
      const c = oauthClient({ retry: { baseDelayMs: 10, maxAttempts: 3 } });
      const err = (await rejection(c.get('/me'))) as unknown as OvhApiError;
      err.statusCode.should.equal(503);
      sim.count({ path: '/auth/oauth2/token' }).should.equal(3);
      sim.count({ path: '/1.0/me' }).should.equal(0);
    });

    it('reports a refused client secret without repeating it', async () => {
      const c = oauthClient({ clientSecret: 'wrong-secret-value' });
      const err = (await rejection(c.get('/me'))) as unknown as OvhApiError;
      err.statusCode.should.equal(401);
      err.errorCode!.should.equal('invalid_client');
      err.message.should.match(/Client authentication failed/);
      err.message.should.not.match(/wrong-secret-value/);
    });

    it('uses the region token URL, and refuses regions without OAuth2', () => {
      const eu = new OvhClient({ endpoint: 'ovh-eu', clientId: 'a', clientSecret: 'b' });
      eu.base.tokenUrl!.should.equal('https://www.ovh.com/auth/oauth2/token');
      void eu.close();
      (() => new OvhClient({ endpoint: 'kimsufi-eu', clientId: 'a', clientSecret: 'b' })).should.throw(/not offered/);
    });

    it('names the OAuth2 credentials that are missing, and sends nothing', async () => {
      for (const [given, named] of [
        [{ authType: 'oauth2' as const }, 'no client ID, no client secret'],
        [{ clientId: 'a' }, 'no client secret'],
        [{ authType: 'oauth2' as const, clientSecret: 's' }, 'no client ID'],
      ] as const) {
        const c = new OvhClient({ endpoint: sim.baseUrl, tokenUrl: sim.tokenUrl, ...given });
        clients.push(c);
        c.authType.should.equal('oauth2');
        (await rejection(c.get('/me'))).message.should.equal(`Missing credentials: ${named}`);
      }
      const signed = new OvhClient({ endpoint: sim.baseUrl, appKey: 'k' });
      clients.push(signed);
      (await rejection(signed.get('/me'))).message.should.equal('Missing credentials: no application secret, no consumer key');
      sim.count().should.equal(0);
    });
  });

  describe('/v2 pagination', () => {
    it('follows the cursor across every page', async () => {
      const c = client();
      const result = await c.allPages<{ id: string }>('/v2/iam/policy', { pageSize: 5 });
      result.items.length.should.equal(23);
      result.pages.should.equal(5);
      new Set(result.items.map((p) => p.id)).size.should.equal(23);
      const sent = sim.received({ path: '/v2/iam/policy' });
      sent.length.should.equal(5);
      sent.every((r) => r.headers['x-pagination-size'] === '5').should.be.true();
      should(sent[0].headers['x-pagination-cursor']).be.undefined();
      should.exist(sent[1].headers['x-pagination-cursor']);
    });

    it('stops with an error past the page bound', async () => {
      const err = await rejection(client().allPages('/v2/iam/policy', { pageSize: 2, maxPages: 3 }));
      err.message.should.match(/more than 3 pages/);
      sim.count({ path: '/v2/iam/policy' }).should.equal(3);
    });
  });

  describe('proxy', () => {
    it('goes through http_proxy and skips hosts in no_proxy, as Node-RED does', async () => {
      const proxy = await connectProxy();
      const connects = proxy.tunnels;
      const proxyUrl = proxy.url;
      const saved = { http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy };
      try {
        process.env.http_proxy = proxyUrl;
        delete process.env.no_proxy;
        const viaProxy = client();
        (await viaProxy.get<{ nichandle: string }>('/me')).nichandle.should.equal('xx1234-ovh');
        connects.length.should.be.above(0);
        connects[0].should.equal(new URL(sim.url).host);

        connects.length = 0;
        process.env.no_proxy = '127.0.0.1';
        const direct = client();
        await direct.get('/me');
        connects.length.should.equal(0);

        const explicit = client({ proxy: false });
        process.env.no_proxy = '';
        await explicit.get('/me');
        connects.length.should.equal(0);
      } finally {
        restoreEnv(saved);
        await Promise.all(clients.splice(0).map((c) => c.close()));
        await proxy.close();
      }
    });
  });
});

function restoreEnv(saved: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
