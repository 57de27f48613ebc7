import should from 'should';
import { DEFAULT_APP, DEFAULT_OAUTH, OvhSimulator } from '../../simulator/simulator';
import { load, requestFlow, signatureCredentials, useRuntime, adminPost } from '../../helpers/node-red';
import { environmentEndpoint } from '../../../nodes/account/config';

describe('ovh-credentials admin endpoints', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));
  afterEach(() => (sim.skewSec = 0));

  const dialog = (extra: Record<string, unknown> = {}) => ({
    endpoint: 'custom',
    url: sim.baseUrl,
    authType: 'signature',
    credentialsFrom: 'node',
    appKey: DEFAULT_APP.appKey,
    appSecret: DEFAULT_APP.appSecret,
    ...extra,
  });

  describe('request-token', () => {
    it('asks for a consumer key with the given rules and answers the validation URL and the key', async () => {
      await load(requestFlow(sim, {}), {});
      const rules = [
        { method: 'GET', path: '/me' },
        { method: 'POST', path: '/sms/*' },
      ];
      const res = await adminPost('/ovh-credentials/request-token', {
        ...dialog(),
        accessRules: rules,
        redirection: 'https://example.com/back',
        allowedIPs: ['127.0.0.1/32'],
      });
      res.status.should.equal(200);
      res.body.validationUrl.should.startWith(sim.url + '/auth/?credentialToken=');
      res.body.state.should.equal('pendingValidation');
      const sent = sim.received({ path: '/1.0/auth/credential' });
      sent.length.should.equal(1);
      JSON.parse(sent[0].body).should.eql({
        accessRules: rules,
        redirection: 'https://example.com/back',
        allowedIPs: ['127.0.0.1/32'],
      });
      sent[0].headers['x-ovh-application']!.should.equal(DEFAULT_APP.appKey);
      res.text.should.not.containEql(DEFAULT_APP.appSecret);
      sim.consumerKeys.get(res.body.consumerKey)!.state.should.equal('pendingValidation');
    });

    it('expands the rows itself when the dialog asks for recursive rules', async () => {
      await load(requestFlow(sim, {}), {});
      const res = await adminPost('/ovh-credentials/request-token', {
        ...dialog(),
        accessRules: [
          { method: 'GET', path: '/sms' },
          { method: 'GET', path: '/sms/*' },
          { method: 'POST', path: '/domain/*' },
          { method: 'GET', path: '/*' },
        ],
        recursive: true,
      });
      res.status.should.equal(200);
      JSON.parse(sim.received({ path: '/1.0/auth/credential' })[0].body).accessRules.should.eql([
        { method: 'GET', path: '/sms' },
        { method: 'GET', path: '/sms/*' },
        { method: 'POST', path: '/domain' },
        { method: 'POST', path: '/domain/*' },
        { method: 'GET', path: '/*' },
      ]);
    });

    it('refuses bad rules and a missing application key with a 400 and sends nothing', async () => {
      await load(requestFlow(sim, {}), {});
      const bad = await adminPost('/ovh-credentials/request-token', {
        ...dialog(),
        accessRules: [{ method: 'FETCH', path: '/me' }],
      });
      bad.status.should.equal(400);
      bad.body.error.should.match(/Access rule 1 has method "FETCH"/);
      const noKey = await adminPost('/ovh-credentials/request-token', {
        ...dialog({ appKey: '' }),
        accessRules: [{ method: 'GET', path: '/me' }],
      });
      noKey.status.should.equal(400);
      noKey.body.error.should.match(/No application key/);
      sim.count().should.equal(0);
    });

    it('reports an unknown application key', async () => {
      await load(requestFlow(sim, {}), {});
      const res = await adminPost('/ovh-credentials/request-token', {
        ...dialog({ appKey: 'nope' }),
        accessRules: [{ method: 'GET', path: '/me' }],
      });
      res.status.should.equal(502);
      res.body.error.should.match(/INVALID_KEY/);
    });
  });

  describe('check', () => {
    it('follows a key from pending to valid, with its expiry and rules', async () => {
      await load(requestFlow(sim, {}), {});
      const token = await adminPost('/ovh-credentials/request-token', {
        ...dialog(),
        accessRules: [{ method: 'GET', path: '/*' }],
      });
      const consumerKey = token.body.consumerKey as string;

      const pending = await adminPost('/ovh-credentials/check', dialog({ consumerKey }));
      pending.status.should.equal(200);
      pending.body.status.should.equal('pending');

      sim.validateConsumerKey(consumerKey, 86400);
      const valid = await adminPost('/ovh-credentials/check', dialog({ consumerKey }));
      valid.body.status.should.equal('valid');
      valid.body.credential.rules.should.eql([{ method: 'GET', path: '/*' }]);
      should.exist(valid.body.credential.expiration);
      valid.text.should.not.containEql(consumerKey);
      valid.text.should.not.containEql(DEFAULT_APP.appSecret);

      sim.expireConsumerKey(consumerKey);
      (await adminPost('/ovh-credentials/check', dialog({ consumerKey }))).body.status.should.equal('invalid-credential');
    });

    it('uses the stored secrets of the deployed node where the dialog holds the placeholder', async () => {
      const consumerKey = sim.addConsumerKey();
      await load(requestFlow(sim, {}), signatureCredentials(sim, consumerKey));
      const res = await adminPost(
        '/ovh-credentials/check',
        dialog({ id: 'acc', appSecret: '__PWRD__', consumerKey: '__PWRD__' }),
      );
      res.body.status.should.equal('valid');
      sim.received({ path: '/1.0/auth/currentCredential' })[0].headers['x-ovh-consumer']!.should.equal(consumerKey);
      res.text.should.not.containEql(consumerKey);
    });

    it('names each kind of wrong key', async () => {
      await load(requestFlow(sim, {}), {});
      const consumerKey = sim.addConsumerKey();
      (await adminPost('/ovh-credentials/check', dialog({ consumerKey: 'unknown' }))).body.status.should.equal(
        'unknown-consumer-key',
      );
      (await adminPost('/ovh-credentials/check', dialog({ consumerKey, appKey: 'wrongApp' }))).body.status.should.equal(
        'invalid-application-key',
      );
      (await adminPost('/ovh-credentials/check', dialog({ consumerKey, appSecret: 'wrong' }))).body.status.should.equal(
        'invalid-signature',
      );
      const missing = await adminPost('/ovh-credentials/check', dialog({ appSecret: '', consumerKey: '' }));
      missing.status.should.equal(400);
      missing.body.should.eql({ status: 'missing', missing: ['appSecret', 'consumerKey'] });
    });

    it('reports the clock difference of a valid key', async () => {
      await load(requestFlow(sim, {}), {});
      sim.skewSec = -3600;
      const res = await adminPost('/ovh-credentials/check', dialog({ consumerKey: sim.addConsumerKey() }));
      res.body.status.should.equal('valid');
      res.body.clockOffsetSeconds.should.be.approximately(-3600, 1);
    });

    it('reports a clock the server keeps refusing', async () => {
      await load(requestFlow(sim, {}), {});
      sim.timeWindowSec = -1; // no timestamp is ever inside the window, even after a re-sync
      try {
        const res = await adminPost('/ovh-credentials/check', dialog({ consumerKey: sim.addConsumerKey() }));
        res.body.status.should.equal('clock');
        res.body.detail.should.match(/Query out of time/);
      } finally {
        sim.timeWindowSec = 30;
      }
    });

    it('reports an unreachable endpoint and a bad URL', async () => {
      await load(requestFlow(sim, {}), {});
      const down = await adminPost('/ovh-credentials/check', dialog({ url: 'http://127.0.0.1:9/1.0', consumerKey: 'x' }));
      down.body.status.should.equal('unreachable');
      down.body.detail.should.match(/connection refused/);
      const bad = await adminPost('/ovh-credentials/check', dialog({ url: 'file:///etc/passwd', consumerKey: 'x' }));
      bad.status.should.equal(400);
      bad.body.detail.should.match(/must start with https/);
    });

    it('checks an OAuth2 service account', async () => {
      await load(requestFlow(sim, {}), {});
      const oauth = { authType: 'oauth2', tokenUrl: sim.tokenUrl, clientId: DEFAULT_OAUTH.clientId };
      const ok = await adminPost('/ovh-credentials/check', dialog({ ...oauth, clientSecret: DEFAULT_OAUTH.clientSecret }));
      ok.body.should.have.properties({ status: 'valid', authType: 'oauth2' });
      const bad = await adminPost('/ovh-credentials/check', dialog({ ...oauth, clientSecret: 'nope' }));
      bad.body.status.should.equal('invalid-client');
      ok.text.should.not.containEql(DEFAULT_OAUTH.clientSecret);
    });

    it('checks the environment variables when the dialog says so', async () => {
      await load(requestFlow(sim, {}), {});
      const saved = { ...process.env };
      try {
        process.env.OVH_ENDPOINT = sim.baseUrl;
        process.env.OVH_APPLICATION_KEY = DEFAULT_APP.appKey;
        process.env.OVH_APPLICATION_SECRET = DEFAULT_APP.appSecret;
        process.env.OVH_CONSUMER_KEY = sim.addConsumerKey();
        const res = await adminPost('/ovh-credentials/check', {
          credentialsFrom: 'env',
          endpoint: 'ovh-eu',
          authType: 'signature',
        });
        res.body.status.should.equal('valid');
        // The API asked is OVH_ENDPOINT's, not the region the dialog shows: Check says which.
        res.body.baseUrl.should.equal(new URL(sim.baseUrl).href);
        environmentEndpoint(process.env)!.should.eql({ endpoint: res.body.baseUrl, baseUrl: res.body.baseUrl });
        const withPassword = new URL(sim.baseUrl);
        withPassword.username = 'me';
        withPassword.password = 'hunter2-secret';
        JSON.stringify(environmentEndpoint({ OVH_ENDPOINT: withPassword.href })).should.not.match(/hunter2|me@/);
        environmentEndpoint({ OVH_ENDPOINT: 'ovh-ca' })!.should.eql({
          endpoint: 'ovh-ca',
          baseUrl: 'https://ca.api.ovh.com/1.0',
        });
        environmentEndpoint({ OVH_ENDPOINT: 'not an endpoint' })!.problem!.should.match(/neither a region name nor a base URL/);
        should(environmentEndpoint({})).be.undefined();
        delete process.env.OVH_CONSUMER_KEY;
        const missing = await adminPost('/ovh-credentials/check', {
          credentialsFrom: 'env',
          endpoint: 'ovh-eu',
          authType: 'signature',
        });
        missing.status.should.equal(400);
        missing.body.detail.should.match(/Missing environment variable\(s\): OVH_CONSUMER_KEY/);
      } finally {
        for (const name of ['OVH_ENDPOINT', 'OVH_APPLICATION_KEY', 'OVH_APPLICATION_SECRET', 'OVH_CONSUMER_KEY']) {
          if (saved[name] === undefined) delete process.env[name];
          else process.env[name] = saved[name];
        }
      }
    });
  });
});
