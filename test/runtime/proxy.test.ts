/**
 * An account's Proxy setting in a started Node-RED, through a real HTTP proxy (npm `proxy`) to the
 * simulator over HTTPS: calls, OAuth2 token requests, description fetches and the dialog's Check
 * all go through the chosen proxy, as CONNECT tunnels to the API host only, the proxy's
 * credentials on the CONNECT alone and no secret of the account in anything the proxy receives.
 * And the proxy's own failures, named: 407 (no or wrong credentials, never retried), a proxy that
 * is down, one that cannot reach the API.
 */
import 'should';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OvhSimulator } from '../simulator/simulator';
import { DEFAULT_APP, DEFAULT_OAUTH } from '../simulator/simulator';
import { startSimulator } from '../helpers';
import { selfSignedCertificate } from '../helpers/tls';
import { closedPortUrl, startRecordingProxy, type RecordingProxy } from '../helpers/real-proxy';
import { admin, deploy, inject, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { accountNode } from '../helpers/node-red';

const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'proxy-Pa55word-never-shown';

describe('the Proxy setting in a started Node-RED', function () {
  this.timeout(180_000);
  let sim: OvhSimulator;
  let guarded: RecordingProxy;
  let open: RecordingProxy;
  let nodeRed: StartedNodeRed;
  let caDir: string;
  let consumerKey: string;

  before(async () => {
    const tls = selfSignedCertificate();
    caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-proxy-ca-'));
    fs.writeFileSync(path.join(caDir, 'ca.pem'), tls.cert);
    sim = await startSimulator({ tls });
    consumerKey = sim.addConsumerKey();
    guarded = await startRecordingProxy({ user: PROXY_USER, password: PROXY_PASSWORD });
    open = await startRecordingProxy();
    // The environment's proxy is the open one: the default setting uses it, `none` must not.
    nodeRed = await startNodeRed({
      env: { NODE_EXTRA_CA_CERTS: path.join(caDir, 'ca.pem'), https_proxy: open.url, http_proxy: '', no_proxy: '' },
    });
  });
  after(async () => {
    await nodeRed?.stop();
    await guarded?.close();
    await open?.close();
    await sim?.close();
    fs.rmSync(caDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    guarded.reset();
    open.reset();
    sim.resetCounters();
  });

  const simHost = () => new URL(sim.baseUrl).host;
  const secrets = () => [DEFAULT_APP.appSecret, consumerKey, DEFAULT_OAUTH.clientSecret];

  /** An account (`acc`), a GET /me on inject `go`, its answer and its failures printed. */
  const flow = (account: Record<string, unknown>, extra: Array<Record<string, unknown>> = []) => {
    const at = (y: number) => ({ z: 'flow', x: 200, y });
    return [
      { id: 'flow', type: 'tab', label: 'proxy' },
      accountNode(sim, account),
      ...extra,
      { id: 'go', type: 'inject', ...at(40), wires: [['req']] },
      { id: 'req', type: 'ovh-request', ...at(80), account: 'acc', method: 'GET', path: '/me', wires: [['out']] },
      { id: 'out', type: 'debug', ...at(120), active: true, tosidebar: false, console: true, complete: 'payload.nichandle' },
      { id: 'catch', type: 'catch', ...at(160), scope: null, uncaught: false, wires: [['errors']] },
      { id: 'errors', type: 'debug', ...at(200), active: true, tosidebar: false, console: true, complete: 'error.message' },
    ];
  };
  const signature = () => ({ appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey });
  const oauth2 = { clientId: DEFAULT_OAUTH.clientId, clientSecret: DEFAULT_OAUTH.clientSecret };

  /** Deploys, presses `go`, and answers the first line printed by `out` or `errors` after it. */
  const call = async (flows: Array<Record<string, unknown>>, credentials: Record<string, Record<string, string>>) => {
    await deploy(nodeRed, flows, credentials);
    const from = nodeRed.output.join('').length;
    await inject(nodeRed, 'go');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const printed = /\[debug:(out|errors)\]\s*\n?(.*)/.exec(nodeRed.output.join('').slice(from));
      if (printed) return { ok: printed[1] === 'out', text: printed[2] };
      if (Date.now() > deadline) throw new Error(`nothing printed:\n${nodeRed.output.join('').slice(from)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /** What the proxy received: CONNECTs to the API host only, never a plain request, never a secret. */
  const onlyTunnelsToTheApi = (proxy: RecordingProxy) => {
    proxy.connects.length.should.be.above(0);
    proxy.connects.map((c) => c.target).should.matchEach(simHost());
    proxy.plainRequests.should.be.empty();
    const received = proxy.received();
    for (const secret of secrets()) received.includes(secret).should.be.false(`the proxy received ${secret}`);
    received.should.not.match(/X-Ovh-|Authorization: Bearer|client_secret/i);
  };

  it('sends signed calls, the Check and description fetches through a given proxy with its credentials', async () => {
    const account = { proxyFrom: 'url', proxyUrl: guarded.url };
    const answer = await call(flow(account), {
      acc: { ...signature(), proxyUser: PROXY_USER, proxyPassword: PROXY_PASSWORD },
    });
    answer.should.eql({ ok: true, text: 'xx1234-ovh' });
    // The dialog's Check, with the stored secrets and the stored proxy password.
    const check = await admin(nodeRed, 'POST', '/ovh-credentials/check', {
      id: 'acc',
      endpoint: 'custom',
      url: sim.baseUrl,
      authType: 'signature',
      credentialsFrom: 'node',
      appKey: DEFAULT_APP.appKey,
      appSecret: '__PWRD__',
      consumerKey: '__PWRD__',
      proxyFrom: 'url',
      proxyUrl: guarded.url,
      proxyUser: PROXY_USER,
      proxyPassword: '__PWRD__',
    });
    check.body.status.should.equal('valid', check.text);
    // A description fetch for the request dialog.
    const search = await admin(nodeRed, 'GET', '/ovh-credentials/catalogue/search?account=acc&q=/me');
    search.status.should.equal(200, search.text);
    sim.requests.some((r) => r.path.startsWith('/1.0/me.json') || r.path === '/1.0/').should.be.true();

    onlyTunnelsToTheApi(guarded);
    guarded.connects.length.should.be.aboveOrEqual(3);
    // The proxy's credentials go to the proxy alone, on every CONNECT; never to the API.
    const basic = 'Basic ' + Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
    guarded.connects.map((c) => c.headers['proxy-authorization']).should.matchEach(basic);
    sim.requests.length.should.be.above(0);
    for (const r of sim.requests) (r.headers['proxy-authorization'] === undefined).should.be.true();
    open.connects.should.be.empty();
    nodeRed.output.join('').should.not.containEql(PROXY_PASSWORD);
  });

  it('sends the OAuth2 token request through the proxy too', async () => {
    const account = { authType: 'oauth2', tokenUrl: sim.tokenUrl, proxyFrom: 'url', proxyUrl: guarded.url };
    const answer = await call(flow(account), { acc: { ...oauth2, proxyUser: PROXY_USER, proxyPassword: PROXY_PASSWORD } });
    answer.ok.should.be.true(answer.text);
    sim.count({ path: '/auth/oauth2/token' }).should.equal(1);
    onlyTunnelsToTheApi(guarded);
  });

  it("uses Node-RED's http proxy node, its credentials and its no-proxy list", async () => {
    const httpProxy = { id: 'hp', type: 'http proxy', name: 'corporate', url: guarded.url, noproxy: ['example.invalid'] };
    const answer = await call(flow({ proxyFrom: 'node', proxy: 'hp' }, [httpProxy]), {
      acc: signature(),
      hp: { username: PROXY_USER, password: PROXY_PASSWORD },
    });
    answer.should.eql({ ok: true, text: 'xx1234-ovh' });
    onlyTunnelsToTheApi(guarded);
    open.connects.should.be.empty();

    // Its no-proxy list naming the API's host: reached directly.
    guarded.reset();
    const direct = await call(flow({ proxyFrom: 'node', proxy: 'hp' }, [{ ...httpProxy, noproxy: ['127.0.0.1'] }]), {
      acc: signature(),
      hp: { username: PROXY_USER, password: PROXY_PASSWORD },
    });
    direct.ok.should.be.true(direct.text);
    guarded.connects.should.be.empty();
  });

  it('uses the environment by default (saved flows), and no proxy when told so', async () => {
    const fromEnv = await call(flow({}), { acc: signature() });
    fromEnv.ok.should.be.true(fromEnv.text);
    onlyTunnelsToTheApi(open);

    open.reset();
    const none = await call(flow({ proxyFrom: 'none' }), { acc: signature() });
    none.ok.should.be.true(none.text);
    open.connects.should.be.empty();
    guarded.connects.should.be.empty();
  });

  it('says the proxy asks for credentials (407), and never retries it as an API answer', async () => {
    // Emptied as the dialog empties them (Node-RED keeps a credential a deploy leaves out).
    const failed = await call(flow({ proxyFrom: 'url', proxyUrl: guarded.url }), {
      acc: { ...signature(), proxyUser: '', proxyPassword: '' },
    });
    failed.ok.should.be.false();
    failed.text.should.match(new RegExp(`the proxy ${guarded.url} asks for a user name and password \\(407`));
    guarded.connects.length.should.equal(1); // a GET, yet not sent again
    sim.count().should.equal(0);
  });

  it('says the proxy refused its credentials (407), without the password', async () => {
    const failed = await call(flow({ proxyFrom: 'url', proxyUrl: guarded.url }), {
      acc: { ...signature(), proxyUser: PROXY_USER, proxyPassword: 'wrong-Pa55word' },
    });
    failed.ok.should.be.false();
    failed.text.should.match(new RegExp(`the proxy ${guarded.url} refused its user name and password \\(407\\)`));
    failed.text.should.not.containEql('wrong-Pa55word');
    nodeRed.output.join('').should.not.containEql('wrong-Pa55word');
    guarded.connects.length.should.equal(1);
    sim.count().should.equal(0);
  });

  it('says the proxy is down', async () => {
    const down = await closedPortUrl();
    const failed = await call(flow({ proxyFrom: 'url', proxyUrl: down }), { acc: signature() });
    failed.ok.should.be.false();
    failed.text.should.match(new RegExp(`the proxy ${down} refused the connection: is it running\\?`));
    sim.count().should.equal(0);
  });

  it('says the proxy cannot reach the API', async () => {
    const nowhere = (await closedPortUrl()).replace('http:', 'https:');
    const failed = await call(flow({ url: `${nowhere}/1.0`, proxyFrom: 'url', proxyUrl: open.url }), { acc: signature() });
    failed.ok.should.be.false();
    failed.text.should.match(
      new RegExp(`the proxy ${open.url} could not reach ${new URL(nowhere).host} \\(it answered 500 to CONNECT\\)`),
    );
  });
});
