/**
 * The admin endpoints as an attacker with `ovh-credentials.write` would use them: stored and
 * environment secrets must only go to the target their account was deployed with, and the
 * answers of a server that is not the OVHcloud API must not come back to the editor.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import 'should';
import { DEFAULT_APP, DEFAULT_OAUTH, OvhSimulator } from '../../simulator/simulator';
import { helper, load, requestFlow, useRuntime, adminPost } from '../../helpers/node-red';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A server standing in for another host: records everything, answers what it is told. */
class Listener {
  readonly seen: Seen[] = [];
  answer: (req: Seen, res: http.ServerResponse) => void = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('1732838400');
  };
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<Listener> {
    const server = http.createServer();
    const listener = new Listener(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        listener.seen.push(seen);
        listener.answer(seen, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return listener;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Everything it received, as one text to search for secrets. */
  text(): string {
    return JSON.stringify(this.seen);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('ovh-credentials admin endpoints against another host', function () {
  let sim: OvhSimulator;
  let other: Listener;
  const secretKey = 'StoredConsumerKey0123456789abcdef';
  const envNames = [
    'OVH_ENDPOINT',
    'OVH_APPLICATION_KEY',
    'OVH_APPLICATION_SECRET',
    'OVH_CONSUMER_KEY',
    'OVH_CLIENT_ID',
    'OVH_CLIENT_SECRET',
  ];
  const savedEnv: Record<string, string | undefined> = {};

  useRuntime((started) => (sim = started));
  before(async () => {
    other = await Listener.start();
    sim.addConsumerKey([{ method: 'GET', path: '/*' }], { consumerKey: secretKey });
  });
  after(() => other.close());
  beforeEach(() => {
    other.seen.length = 0;
    envNames.forEach((n) => (savedEnv[n] = process.env[n]));
  });
  afterEach(() => envNames.forEach((n) => (savedEnv[n] === undefined ? delete process.env[n] : (process.env[n] = savedEnv[n]))));

  const signatureAccount = () =>
    load(requestFlow(sim, {}), { acc: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: secretKey } });
  const oauthAccount = () =>
    load(requestFlow(sim, {}, { authType: 'oauth2', tokenUrl: sim.tokenUrl }), {
      acc: { clientId: DEFAULT_OAUTH.clientId, clientSecret: DEFAULT_OAUTH.clientSecret },
    });

  const stored = { id: 'acc', appKey: DEFAULT_APP.appKey, appSecret: '__PWRD__', consumerKey: '__PWRD__' };

  describe('stored secrets', () => {
    it("are used for the deployed account's own target", async () => {
      await signatureAccount();
      const res = await adminPost('/ovh-credentials/check', {
        ...stored,
        endpoint: 'custom',
        url: sim.baseUrl,
        authType: 'signature',
        credentialsFrom: 'node',
      });
      res.body.status.should.equal('valid');
    });

    const elsewhere: Array<[string, () => Record<string, unknown>]> = [
      ['another URL', () => ({ endpoint: 'custom', url: other.url + '/1.0' })],
      ['another path on the same host', () => ({ endpoint: 'custom', url: sim.url + '/other/1.0' })],
      ['a region instead of the URL', () => ({ endpoint: 'ovh-eu' })],
      ['another node id', () => ({ id: 'nope', endpoint: 'custom', url: sim.baseUrl })],
      ['no node id', () => ({ id: undefined, endpoint: 'custom', url: sim.baseUrl })],
    ];
    for (const [what, target] of elsewhere) {
      it(`are refused for ${what}, and nothing is sent`, async () => {
        await signatureAccount();
        sim.resetCounters();
        const res = await adminPost('/ovh-credentials/check', {
          ...stored,
          authType: 'signature',
          credentialsFrom: 'node',
          ...target(),
        });
        res.status.should.equal(400);
        res.body.status.should.equal('retype-secrets');
        res.body.fields.should.eql(['appSecret', 'consumerKey']);
        res.body.detail.should.match(
          /The stored application secret and consumer key are only sent to the region or URL, token URL, authentication and key source this account was deployed with: type them again, or deploy first/,
        );
        other.seen.length.should.equal(0);
        sim.count().should.equal(0);
      });
    }

    it('are refused when only one is left as stored, naming it', async () => {
      await signatureAccount();
      const res = await adminPost('/ovh-credentials/check', {
        ...stored,
        appSecret: DEFAULT_APP.appSecret,
        endpoint: 'custom',
        url: other.url + '/1.0',
        authType: 'signature',
      });
      res.status.should.equal(400);
      res.body.detail.should.match(/^The stored consumer key is only sent to .*: type it again, or deploy first/);
      other.text().should.not.containEql(secretKey);
    });

    it('go nowhere when the secrets are typed: the Check of another URL then works as asked', async () => {
      await signatureAccount();
      other.answer = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('1732838400');
      };
      await adminPost('/ovh-credentials/check', {
        id: 'acc',
        endpoint: 'custom',
        url: other.url + '/1.0',
        appKey: 'typed-key',
        appSecret: 'typed-secret',
        consumerKey: 'typed-consumer-key',
      });
      other.seen.length.should.be.above(0);
      other.text().should.not.containEql(secretKey);
      other.text().should.not.containEql(DEFAULT_APP.appSecret);
    });

    it("during a redeploy, are the running node's own, never the new ones already stored for another target", async () => {
      // Node-RED stores a redeploy's secrets before it stops the old node: this is that moment.
      const url = other.url + '/1.0';
      await load(requestFlow(sim, {}, { url }), { acc: { appKey: 'AK', appSecret: 'old-secret', consumerKey: 'OLD-dummy-key' } });
      await (helper as unknown as { credentials: { add(id: string, c: object): Promise<void> } }).credentials.add('acc', {
        appKey: 'AK',
        appSecret: 'NEW-PROD-SECRET',
        consumerKey: 'NEW-PROD-CONSUMER-KEY',
      });
      await adminPost('/ovh-credentials/check', { ...stored, appKey: 'AK', endpoint: 'custom', url, authType: 'signature' });
      other.seen.length.should.be.above(0);
      other.text().should.not.containEql('NEW-PROD');
      other.seen.some((r) => r.headers['x-ovh-consumer'] === 'OLD-dummy-key').should.be.true();
    });

    it('of an OAuth2 account never reach another token URL', async () => {
      await oauthAccount();
      const oauth = { id: 'acc', authType: 'oauth2', clientId: DEFAULT_OAUTH.clientId, clientSecret: '__PWRD__' };
      (
        await adminPost('/ovh-credentials/check', { ...oauth, endpoint: 'custom', url: sim.baseUrl, tokenUrl: sim.tokenUrl })
      ).body.status.should.equal('valid');
      for (const target of [
        { endpoint: 'custom', url: sim.baseUrl, tokenUrl: other.url + '/auth/oauth2/token' },
        { endpoint: 'custom', url: other.url + '/1.0', tokenUrl: sim.tokenUrl },
        { endpoint: 'ovh-eu' },
      ]) {
        const res = await adminPost('/ovh-credentials/check', { ...oauth, ...target });
        res.status.should.equal(400);
        res.body.detail.should.match(/The stored client secret is only sent to/);
      }
      other.seen.length.should.equal(0);
    });

    it('are never used for a signature check of an OAuth2 account, nor the other way round', async () => {
      await oauthAccount();
      const res = await adminPost('/ovh-credentials/check', {
        id: 'acc',
        authType: 'signature',
        endpoint: 'custom',
        url: sim.baseUrl,
        appKey: DEFAULT_APP.appKey,
        appSecret: '__PWRD__',
        consumerKey: '__PWRD__',
      });
      res.status.should.equal(400);
      res.body.detail.should.match(/only sent to/);
    });
  });

  describe('environment variables', () => {
    const setEnv = (endpoint?: string) => {
      if (endpoint === undefined) delete process.env.OVH_ENDPOINT;
      else process.env.OVH_ENDPOINT = endpoint;
      process.env.OVH_APPLICATION_KEY = DEFAULT_APP.appKey;
      process.env.OVH_APPLICATION_SECRET = DEFAULT_APP.appSecret;
      process.env.OVH_CONSUMER_KEY = secretKey;
      process.env.OVH_CLIENT_ID = DEFAULT_OAUTH.clientId;
      process.env.OVH_CLIENT_SECRET = DEFAULT_OAUTH.clientSecret;
    };
    const fromEnv = { credentialsFrom: 'env', authType: 'signature' };

    it('never go to a URL from the request when no deployed account reads them', async () => {
      setEnv();
      await load(requestFlow(sim, {}), {});
      for (const route of ['/ovh-credentials/check', '/ovh-credentials/request-token']) {
        const res = await adminPost(route, {
          ...fromEnv,
          endpoint: 'custom',
          url: other.url + '/1.0',
          accessRules: [{ method: 'GET', path: '/*' }],
        });
        res.status.should.equal(400);
        res.text.should.match(
          /Keys from the OVH_\* variables are only used with OVH_ENDPOINT, or with the region or URL of a deployed account that reads them/,
        );
      }
      other.seen.length.should.equal(0);
    });

    it('are used for the target of a deployed account that reads them, and for no other', async () => {
      setEnv();
      await load(requestFlow(sim, {}, { credentialsFrom: 'env' }), {});
      (await adminPost('/ovh-credentials/check', { ...fromEnv, endpoint: 'custom', url: sim.baseUrl })).body.status.should.equal(
        'valid',
      );
      (
        await adminPost('/ovh-credentials/check', { ...fromEnv, endpoint: 'custom', url: other.url + '/1.0' })
      ).status.should.equal(400);
      (
        await adminPost('/ovh-credentials/check', {
          credentialsFrom: 'env',
          authType: 'oauth2',
          endpoint: 'custom',
          url: sim.baseUrl,
          tokenUrl: other.url + '/token',
        })
      ).status.should.equal(400);
      other.seen.length.should.equal(0);
    });

    it("follow OVH_ENDPOINT, which the request cannot change, but not a token URL of the request's", async () => {
      setEnv(sim.baseUrl);
      await load(requestFlow(sim, {}), {});
      (
        await adminPost('/ovh-credentials/check', { ...fromEnv, endpoint: 'custom', url: other.url + '/1.0' })
      ).body.status.should.equal('valid');
      const oauth = await adminPost('/ovh-credentials/check', {
        credentialsFrom: 'env',
        authType: 'oauth2',
        endpoint: 'custom',
        url: sim.baseUrl,
        tokenUrl: other.url + '/token',
      });
      oauth.status.should.equal(400);
      other.seen.length.should.equal(0);
    });
  });

  describe('a URL that is not the OVHcloud API', () => {
    const typed = { endpoint: 'custom', authType: 'signature', appKey: 'k', appSecret: 's', consumerKey: 'c' };
    const leak = 'INTERNAL-ONLY: db_password=hunter2';

    it('is said to be one, with its status code, never with what it answered', async () => {
      await load(requestFlow(sim, {}), {});
      const answers: Array<[number, string, string]> = [
        [200, 'text/plain', leak],
        [500, 'text/html', `<html><body><h1>${leak}</h1></body></html>`],
        [403, 'application/json', JSON.stringify({ message: leak })],
        [401, 'application/json', JSON.stringify({ detail: leak })],
      ];
      for (const [status, type, body] of answers) {
        other.answer = (_req, res) => {
          res.writeHead(status, { 'content-type': type });
          res.end(body);
        };
        const res = await adminPost('/ovh-credentials/check', { ...typed, url: other.url + '/1.0' });
        res.body.status.should.equal('not-ovh-api');
        if (status !== 200) res.body.statusCode.should.equal(status);
        res.text.should.not.containEql('hunter2');
        res.text.should.not.containEql('INTERNAL');
      }
    });

    it('passes on no text from a time answered by a server whose credential answer is foreign', async () => {
      await load(requestFlow(sim, {}), {});
      other.answer = (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.url.endsWith('/auth/time')) return res.end('1732838400');
        res.end(JSON.stringify({ status: leak, expiration: leak, creation: leak, rules: [{ method: 'GET', path: leak }, leak] }));
      };
      const res = await adminPost('/ovh-credentials/check', { ...typed, url: other.url + '/1.0' });
      res.body.status.should.equal('not-ovh-api');
      res.text.should.not.containEql('hunter2');
    });

    it('says a base URL answering 404 probably lacks its version path', async () => {
      await load(requestFlow(sim, {}), {});
      const res = await adminPost('/ovh-credentials/check', { ...typed, url: sim.url });
      res.body.should.have.properties({ status: 'no-version', statusCode: 404 });
      // With its version path already there, a 404 only says the URL is not the API.
      other.answer = (_req, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<h1>Not Found</h1>');
      };
      (await adminPost('/ovh-credentials/check', { ...typed, url: other.url + '/1.0' })).body.should.have.properties({
        status: 'not-ovh-api',
        statusCode: 404,
      });
    });

    it('keeps the words of an OVHcloud error object, not its details', async () => {
      await load(requestFlow(sim, {}), {});
      other.answer = (req, res) => {
        res.writeHead(req.url.endsWith('/auth/time') ? 200 : 400, {
          'content-type': 'application/json',
          'x-ovh-queryid': 'EU.ext-1.abc.1',
        });
        if (req.url.endsWith('/auth/time')) return res.end('1732838400');
        res.end(
          JSON.stringify({
            errorCode: 'INVALID_SIGNATURE',
            httpCode: '400 Bad Request',
            message: 'Invalid signature',
            details: { leak: 'hunter2' },
          }),
        );
      };
      const res = await adminPost('/ovh-credentials/check', { ...typed, url: other.url + '/1.0' });
      res.body.should.have.properties({ status: 'invalid-signature', queryId: 'EU.ext-1.abc.1' });
      res.body.detail.should.match(/400 INVALID_SIGNATURE: Invalid signature$/);
      res.text.should.not.containEql('hunter2');
    });

    it('passes on nothing of answers shaped partly like OVHcloud errors', async () => {
      await load(requestFlow(sim, {}), {});
      const answers: Array<[number, Record<string, string>, unknown]> = [
        [500, {}, { error: leak }],
        [401, {}, { error: 'Unauthorized', error_description: leak }],
        [403, { 'x-ovh-queryid': 'QID' }, { message: leak, httpCode: 'x' }],
        [403, {}, { message: leak, class: 'Client::Whatever' }],
        [403, { 'x-ovh-queryid': leak.replace(/\W/g, '') }, { message: 'm', class: 'Nope::X' }],
      ];
      for (const [status, headers, body] of answers) {
        other.answer = (req, res) => {
          if (req.url.endsWith('/auth/time')) return res.end('1732838400');
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        };
        const res = await adminPost('/ovh-credentials/check', { ...typed, url: other.url + '/1.0' });
        res.body.status.should.equal('not-ovh-api', JSON.stringify(body));
        res.text.should.not.containEql('hunter2');
      }
    });

    it('is not taken for the API by a 200 to everything, nor by an absurd time', async () => {
      await load(requestFlow(sim, {}), {});
      other.answer = (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(req.url.endsWith('/auth/time') ? '1732838400' : JSON.stringify({ hello: 'world' }));
      };
      (await adminPost('/ovh-credentials/check', { ...typed, url: other.url + '/1.0' })).body.status.should.equal('not-ovh-api');
      other.answer = (_req, res) => res.end('1e24');
      (await adminPost('/ovh-credentials/check', { ...typed, url: other.url + '/1.0' })).body.status.should.equal('not-ovh-api');
    });

    it('stops reading an answer past its size limit, and the runtime lives on', async () => {
      await load(requestFlow(sim, {}), {});
      other.answer = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x31);
        let sent = 0;
        const pump = () => {
          while (sent < 32 * 1024 * 1024 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      };
      const res = await adminPost('/ovh-credentials/check', { ...typed, url: other.url + '/1.0' });
      res.body.status.should.equal('not-ovh-api');
    });

    it('requests no consumer key from it without saying so, and echoes nothing of it', async () => {
      await load(requestFlow(sim, {}), {});
      for (const [status, body] of [
        [500, `<h1>${leak}</h1>`],
        [200, JSON.stringify({ validationUrl: leak, consumerKey: leak })],
      ] as const) {
        other.answer = (_req, res) => {
          res.writeHead(status, { 'content-type': 'text/html' });
          res.end(body);
        };
        const res = await adminPost('/ovh-credentials/request-token', {
          endpoint: 'custom',
          url: other.url + '/1.0',
          appKey: 'k',
          accessRules: [{ method: 'GET', path: '/*' }],
        });
        res.status.should.equal(502);
        res.body.error.should.match(/does not answer like the OVHcloud API/);
        res.text.should.not.containEql('hunter2');
      }
    });
  });

  describe('an OAuth2 account without its credentials', () => {
    it('is told which ones are missing', async () => {
      await load(requestFlow(sim, {}), {});
      const res = await adminPost('/ovh-credentials/check', {
        endpoint: 'ovh-eu',
        authType: 'oauth2',
        clientId: '',
        clientSecret: '',
      });
      res.status.should.equal(400);
      res.body.should.eql({ status: 'missing', missing: ['clientId', 'clientSecret'] });
    });
  });
});
