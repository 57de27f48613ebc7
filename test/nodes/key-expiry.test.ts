/**
 * A consumer key that expires, in the runtime against the simulator: the account reads the key
 * once for all its nodes at start (and again at its interval), its nodes show an expiry under a
 * week away in their status, the log warns once a day, a call refused after the expiry says the
 * key expired and when, and a read that fails changes nothing for the calls.
 */
import should from 'should';
import type { OvhSimulator } from '../simulator/simulator';
import {
  coreNode,
  helper,
  load,
  logLines,
  receive,
  requestFlow,
  signatureCredentials,
  useRuntime,
  type Msg,
} from '../helpers/node-red';

const DAY = 86_400_000;

describe('ovh-credentials: a consumer key that expires', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));
  afterEach(() => helper.settings({}));

  /** Two request nodes and a watch on one account. */
  const flow = () => {
    const nodes = requestFlow(sim, {});
    const at = { z: 'flow', x: 100, y: 100 };
    nodes.push(
      { id: 'req2', ...at, type: 'ovh-request', account: 'acc', method: 'GET', path: '/me', wires: [['out']] },
      { id: 'watch', ...at, type: 'ovh-watch', account: 'acc', path: '/me', interval: 3600, wires: [[]] },
    );
    return nodes;
  };

  const statusNode = coreNode('common/25-status.js');

  /** The flow, with a Status node that sees every status its nodes show, and what it saw. */
  const loadWatched = async (key: string) => {
    const nodes = flow();
    nodes.push(
      { id: 'statuses', z: 'flow', x: 100, y: 100, type: 'status', scope: null, wires: [['seen']] },
      { id: 'seen', z: 'flow', x: 100, y: 100, type: 'helper' },
    );
    await load(nodes, signatureCredentials(sim, key), [statusNode]);
    const seen: Array<{ id: string; text: string }> = [];
    helper.getNode('seen').on('input', (msg: Msg) => seen.push({ id: msg.status.source.id, text: msg.status.text ?? '' }));
    return seen;
  };

  const until = async (what: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const credentialReads = () => sim.count({ method: 'GET', path: '/1.0/auth/currentCredential' });
  // The test helper's runtime writes a message's key, not its text (locales.test.ts checks the texts).
  const warnings = () => logLines().filter((l) => l.text === 'ovh-credentials.warn.key-expires');
  const expires = 'ovh-credentials.status.key-expires';

  it('reads the key once for every node of the account, and shows an expiry under a week away in their status', async () => {
    const key = sim.addConsumerKey(undefined, { expiresInMs: 3 * DAY + 3_600_000 });
    const seen = await loadWatched(key);
    const shows = (id: string, text: string) => seen.some((s) => s.id === id && s.text === text);
    // The read may answer before the Status node listens: a call shows the status again.
    helper.getNode('req').receive({});
    helper.getNode('req2').receive({});
    await receive('out', 2);
    await until(() => shows('req', `200 · ${expires}`) && shows('req2', `200 · ${expires}`));
    credentialReads().should.equal(1);
    // The log says it once, at warning level.
    await until(() => warnings().length === 1);
    warnings()[0].level.should.equal(30); // Node-RED's warn
    credentialReads().should.equal(1);
  });

  it('shows the expiry in the status of a node that has made no call yet, once the key is read', async () => {
    const key = sim.addConsumerKey(undefined, { expiresInMs: 2 * DAY });
    // The read held back until the Status node listens.
    sim.injectFault({ kind: 'slow', path: '/1.0/auth/currentCredential', delayMs: 500 });
    const seen = await loadWatched(key);
    await until(() => ['req', 'req2'].every((id) => seen.some((s) => s.id === id && s.text === expires)));
  });

  it('says nothing of a key that expires in more than a week, or never', async () => {
    for (const expiresInMs of [30 * DAY, undefined]) {
      const key = sim.addConsumerKey(undefined, { expiresInMs });
      const seen = await loadWatched(key);
      helper.getNode('req').receive({});
      await receive('out');
      await until(() => credentialReads() >= 1 && seen.some((t) => t.id === 'req' && t.text === '200'));
      await new Promise((r) => setTimeout(r, 300));
      seen.some((t) => /key/.test(t.text)).should.be.false(JSON.stringify(seen));
      warnings().should.have.length(0);
      await helper.unload();
      sim.resetCounters();
    }
  });

  it('reads the key again at its interval, and warns once a day however many reads', async () => {
    helper.settings({ ovhCredentialsKeyReadMs: 1000 });
    const key = sim.addConsumerKey(undefined, { expiresInMs: 2 * DAY });
    await load(flow(), signatureCredentials(sim, key));
    await until(() => credentialReads() >= 3, 8000);
    warnings().should.have.length(1);
  });

  it('says a call refused after the expiry was refused because the key expired, and when', async () => {
    const key = sim.addConsumerKey(undefined, { expiresInMs: 1500 });
    const expiration = sim.consumerKeys.get(key)!.expiration!;
    await load(flow(), signatureCredentials(sim, key));
    await until(() => credentialReads() === 1 && sim.received({ path: '/1.0/auth/currentCredential' })[0].status === 200);
    await new Promise((r) => setTimeout(r, Date.parse(expiration) - Date.now() + 200));
    helper.getNode('req').receive({});
    const [caught] = (await receive('caught')) as Msg[];
    caught.statusCode.should.equal(403);
    caught.error.message.should.equal(
      `OvhApiError: GET /me failed: 403 INVALID_CREDENTIAL: ovh-credentials.errors.key-expired (query id ${caught.ovh.queryId})`,
    );
  });

  it("says the same in a watch's failure once the key expired", async () => {
    helper.settings({ ovhWatchIntervalMs: 300 });
    const key = sim.addConsumerKey(undefined, { expiresInMs: 1200 });
    await load(flow(), signatureCredentials(sim, key));
    const caught = (await receive('caught', 1, 10_000)) as Msg[];
    caught[0].ovh.event.should.equal('failed');
    caught[0].error.message.should.match(
      /^OvhApiError: GET \/me failed: 403 INVALID_CREDENTIAL: ovh-credentials\.errors\.key-expired/,
    );
  });

  it('leaves a refusal before any known expiry as the API said it (a key never read, or pending)', async () => {
    const key = sim.addConsumerKey(undefined, { state: 'pendingValidation' });
    await load(flow(), signatureCredentials(sim, key));
    helper.getNode('req').receive({});
    const [caught] = (await receive('caught')) as Msg[];
    caught.error.message.should.match(/403 INVALID_CREDENTIAL: This credential is not valid: the consumer key is not valid/);
    caught.error.message.should.not.match(/expired on/);
  });

  it('goes on calling when the read of the key fails', async () => {
    sim.injectFault({ kind: 'status', status: 500, path: '/1.0/auth/currentCredential', count: 100 });
    const key = sim.addConsumerKey(undefined, { expiresInMs: 2 * DAY });
    await load(flow(), signatureCredentials(sim, key));
    await until(() => credentialReads() >= 1);
    helper.getNode('req').receive({});
    const [out] = await receive('out');
    out.payload.nichandle.should.equal('xx1234-ovh');
    // Nothing said of it: no warning, no error from the account or its nodes.
    logLines()
      .filter((l) => l.level <= 30 && /^ovh-/.test(l.type ?? ''))
      .should.have.length(0);
  });

  it('reads nothing for an OAuth2 service account', async () => {
    const nodes = requestFlow(sim, {}, { authType: 'oauth2', tokenUrl: sim.tokenUrl });
    const { DEFAULT_OAUTH } = await import('../simulator/simulator');
    await load(nodes, { acc: { clientId: DEFAULT_OAUTH.clientId, clientSecret: DEFAULT_OAUTH.clientSecret } });
    helper.getNode('req').receive({});
    await receive('out');
    credentialReads().should.equal(0);
    should(helper.getNode('acc').keyNotice()).be.undefined();
  });
});

describe('ovh-credentials: the words of an expired key', () => {
  it('says when the key expired and what to do, in both languages', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const words = (locale: string) =>
      JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'nodes', 'locales', locale, 'ovh-credentials.json'), 'utf8'))[
        'ovh-credentials'
      ];
    words('en-US').errors['key-expired'].should.equal(
      "this consumer key expired on __date__: request a new one in the account's dialog",
    );
    words('fr').errors['key-expired'].should.match(/^cette clé consommateur a expiré le __date__ : /);
    for (const locale of ['en-US', 'fr']) {
      words(locale).status['key-expires'].should.match(/__days__.*__date__/);
      words(locale).warn['key-expires'].should.match(/__date__/);
    }
  });
});
