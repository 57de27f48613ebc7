/**
 * The account's Proxy setting in the test runtime: a setting that cannot be used says why on
 * every message; Node-RED's own http proxy node is used with its credentials; and the dialog's
 * Check sends a stored proxy password only to the proxy the account was deployed with.
 */
import 'should';
import type { OvhSimulator } from '../simulator/simulator';
import { DEFAULT_APP } from '../simulator/simulator';
import { startRecordingProxy, type RecordingProxy } from '../helpers/real-proxy';
import { adminPost, helper, load, receive, requestFlow, signatureCredentials, useRuntime } from '../helpers/node-red';
import { resolveFromNodeRed } from '../helpers/runtime';

const httpProxyNode = require(resolveFromNodeRed('@node-red/nodes/core/network/06-httpproxy.js'));

const PROXY_USER = 'node-proxy-user';
const PROXY_PASSWORD = 'node-proxy-Pa55word';

describe('the Proxy setting of an account', function () {
  this.timeout(30_000);
  let sim: OvhSimulator;
  let guarded: RecordingProxy;
  let other: RecordingProxy;
  useRuntime((started) => (sim = started));
  before(async () => {
    guarded = await startRecordingProxy({ user: PROXY_USER, password: PROXY_PASSWORD });
    other = await startRecordingProxy();
  });
  after(async () => {
    await guarded?.close();
    await other?.close();
  });
  beforeEach(() => {
    guarded.reset();
    other.reset();
  });

  const failsWith = async (account: Record<string, unknown>, expected: RegExp, extraNodes: unknown[] = []) => {
    await load(requestFlow(sim, { path: '/me' }, account), signatureCredentials(sim), extraNodes);
    sim.resetCounters();
    const caught = receive('caught');
    helper.getNode('req').receive({});
    (await caught)[0].error.message.should.match(expected);
    sim.count().should.equal(0);
  };

  it('refuses a proxy URL holding a user name or password (it would be exported)', () =>
    failsWith(
      { proxyFrom: 'url', proxyUrl: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:3128` },
      /Write the proxy's user name and password in their own fields/,
    ));

  it('refuses a proxy URL that is not http(s)', () =>
    failsWith({ proxyFrom: 'url', proxyUrl: 'socks5://127.0.0.1:1080' }, /must be http:\/\/host:port/));

  it('refuses an empty proxy URL', () =>
    failsWith({ proxyFrom: 'url', proxyUrl: ' ' }, /No proxy URL: fill in the Proxy URL field/));

  it('says when no http proxy node is chosen or deployed', () =>
    failsWith({ proxyFrom: 'node', proxy: 'missing' }, /No http proxy node: choose one in the Proxy setting/));

  it("uses an http proxy node's URL and credentials", async () => {
    const flow = [
      ...requestFlow(sim, { path: '/me' }, { proxyFrom: 'node', proxy: 'hp' }),
      { id: 'hp', type: 'http proxy', url: guarded.url, noproxy: [] },
    ];
    await load(flow, { ...signatureCredentials(sim), hp: { username: PROXY_USER, password: PROXY_PASSWORD } }, [httpProxyNode]);
    const out = receive('out');
    helper.getNode('req').receive({});
    (await out)[0].payload.nichandle.should.equal('xx1234-ovh');
    guarded.connects.length.should.be.above(0);
    guarded.connects.map((c) => c.target).should.matchEach(new URL(sim.url).host);
  });

  it("sends a stored proxy password only to the proxy the account was deployed with, in the dialog's Check", async () => {
    const consumerKey = sim.addConsumerKey();
    await load(requestFlow(sim, { path: '/me' }, { proxyFrom: 'url', proxyUrl: guarded.url }), {
      acc: {
        appKey: DEFAULT_APP.appKey,
        appSecret: DEFAULT_APP.appSecret,
        consumerKey,
        proxyUser: PROXY_USER,
        proxyPassword: PROXY_PASSWORD,
      },
    });
    const check = (proxyUrl: string) =>
      adminPost('/ovh-credentials/check', {
        id: 'acc',
        endpoint: 'custom',
        url: sim.baseUrl,
        authType: 'signature',
        credentialsFrom: 'node',
        appKey: DEFAULT_APP.appKey,
        appSecret: DEFAULT_APP.appSecret,
        consumerKey,
        proxyFrom: 'url',
        proxyUrl,
        proxyUser: PROXY_USER,
        proxyPassword: '__PWRD__',
      });
    const elsewhere = await check(other.url);
    elsewhere.status.should.equal(400);
    elsewhere.body.detail.should.match(/The stored proxy password is only sent to the proxy this account was deployed with/);
    other.connects.should.be.empty();
    other.received().should.not.containEql(PROXY_PASSWORD);

    const same = await check(guarded.url);
    same.body.status.should.equal('valid', same.text);
    const basic = 'Basic ' + Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
    guarded.connects.map((c) => c.headers['proxy-authorization']).should.matchEach(basic);
  });

  it("sends the dialog's consumer-key request through the proxy", async () => {
    await load(requestFlow(sim, {}), {});
    const res = await adminPost('/ovh-credentials/request-token', {
      endpoint: 'custom',
      url: sim.baseUrl,
      authType: 'signature',
      credentialsFrom: 'node',
      appKey: DEFAULT_APP.appKey,
      accessRules: [{ method: 'GET', path: '/me' }],
      proxyFrom: 'url',
      proxyUrl: guarded.url,
      proxyUser: PROXY_USER,
      proxyPassword: PROXY_PASSWORD,
    });
    res.status.should.equal(200, res.text);
    res.body.state.should.equal('pendingValidation');
    guarded.connects.length.should.be.above(0);
    guarded.connects.map((c) => c.target).should.matchEach(new URL(sim.url).host);
    guarded.received().should.containEql('POST /1.0/auth/credential ');
  });

  it("sends the request dialog's Try through the deployed account's proxy", async () => {
    await load(requestFlow(sim, { path: '/me' }, { proxyFrom: 'url', proxyUrl: guarded.url }), {
      acc: { ...signatureCredentials(sim).acc, proxyUser: PROXY_USER, proxyPassword: PROXY_PASSWORD },
    });
    const res = await adminPost('/ovh-credentials/account/try', { account: 'acc', method: 'GET', path: '/me' });
    res.body.should.match({ ok: true, statusCode: 200 });
    guarded.received().should.containEql('GET /1.0/me ');
  });

  it("says in the dialog's Check that the proxy asks for credentials", async () => {
    const res = await adminPost('/ovh-credentials/check', {
      endpoint: 'custom',
      url: sim.baseUrl,
      authType: 'signature',
      credentialsFrom: 'node',
      appKey: DEFAULT_APP.appKey,
      appSecret: DEFAULT_APP.appSecret,
      consumerKey: sim.addConsumerKey(),
      proxyFrom: 'url',
      proxyUrl: guarded.url,
    });
    JSON.stringify(res.body).should.match(new RegExp(`the proxy ${guarded.url} asks for a user name and password \\(407`));
    guarded.connects.length.should.equal(1);
  });
});
