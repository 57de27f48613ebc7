import 'should';
import { DEFAULT_APP, OvhSimulator } from '../simulator/simulator';
import { startSimulator } from '../helpers';
import { admin, deploy, login, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import { accountNode, signatureCredentials } from '../helpers/node-red';

describe('a started Node-RED with adminAuth', function () {
  this.timeout(90_000);
  let sim: OvhSimulator;
  let nodeRed: StartedNodeRed;
  let adminToken: string;
  let consumerKey: string;

  before(async () => {
    sim = await startSimulator();
    nodeRed = await startNodeRed({
      users: [
        { username: 'admin', permissions: '*' },
        { username: 'reader', permissions: 'read' },
      ],
    });
    adminToken = await login(nodeRed, 'admin');
    consumerKey = sim.addConsumerKey();
    await deploy(
      nodeRed,
      [
        { id: 'tab1', type: 'tab', label: 'ovh' },
        accountNode(sim, { timeout: 30 }),
        { id: 'req', z: 'tab1', type: 'ovh-request', account: 'acc', method: 'GET', path: '/me', x: 200, y: 100, wires: [[]] },
      ],
      signatureCredentials(sim, consumerKey),
      adminToken,
    );
  });
  after(async () => {
    await nodeRed?.stop();
    await sim?.close();
  });

  const check = (token?: string) =>
    admin(
      nodeRed,
      'POST',
      '/ovh-credentials/check',
      {
        id: 'acc',
        endpoint: 'custom',
        url: sim.baseUrl,
        authType: 'signature',
        credentialsFrom: 'node',
        appKey: DEFAULT_APP.appKey,
        appSecret: '__PWRD__',
        consumerKey: '__PWRD__',
      },
      token,
    );

  it('loads every node type without error', async () => {
    const res = await admin(nodeRed, 'GET', '/nodes', undefined, adminToken, { accept: 'application/json' });
    const sets = (res.body as Array<{ module: string; types: string[]; err?: string; enabled: boolean }>).filter(
      (s) => s.module === 'node-red-contrib-ovhcloud',
    );
    sets
      .flatMap((s) => s.types)
      .sort()
      .should.eql(['ovh-credentials', 'ovh-request', 'ovh-watch']);
    sets.every((s) => !s.err && s.enabled).should.be.true();
  });

  it('answers catalogue searches to a user who may read, and to nobody without a token', async () => {
    const route = `/ovh-credentials/catalogue/search?account=acc&q=${encodeURIComponent('/domain/zone/{zoneName}/re')}`;
    (await admin(nodeRed, 'GET', route)).status.should.equal(401);
    const readerToken = await login(nodeRed, 'reader', 'read');
    const found = await admin(nodeRed, 'GET', route, undefined, readerToken, { accept: 'application/json' });
    found.status.should.equal(200);
    (found.body as { operations: unknown[] }).operations.length.should.be.above(0);
    // The wizard's rules for the flows likewise: read, not write.
    const calls = { calls: [{ method: 'GET', path: '/me', by: 'n' }] };
    (await admin(nodeRed, 'POST', '/ovh-credentials/rules-for-calls', calls)).status.should.equal(401);
    const rules = await admin(nodeRed, 'POST', '/ovh-credentials/rules-for-calls', calls, readerToken, {
      accept: 'application/json',
    });
    rules.status.should.equal(200);
    (rules.body as { rules: unknown[] }).rules.should.eql([{ method: 'GET', path: '/me', by: ['n'] }]);
    // What acts with the account's keys (Try, a placeholder's values) needs ovh-credentials.write.
    for (const route of ['/ovh-credentials/account/try', '/ovh-credentials/account/values']) {
      const body = { account: 'acc', method: 'GET', path: '/domain/zone/{zoneName}', placeholder: 'zoneName' };
      (await admin(nodeRed, 'POST', route, body)).status.should.equal(401);
      [401, 403].should.containEql((await admin(nodeRed, 'POST', route, body, readerToken)).status);
    }
  });

  it('answers the IAM actions the flows need to a user who may read, and keeps what calls the API to ovh-credentials.write', async () => {
    const readerToken = await login(nodeRed, 'reader', 'read');
    const calls = [{ method: 'GET', path: '/me', by: 'n' }];
    (await admin(nodeRed, 'POST', '/ovh-credentials/iam/actions', { account: 'acc', calls })).status.should.equal(401);
    const actions = await admin(nodeRed, 'POST', '/ovh-credentials/iam/actions', { account: 'acc', calls }, readerToken, {
      accept: 'application/json',
    });
    actions.status.should.equal(200);
    (actions.body as { actions: unknown[] }).actions.should.eql([
      { action: 'account:apiovh:me/get', resourceType: 'account', by: ['n'] },
    ]);
    const before = sim.count({ path: /^\/v2\/iam\// }) + sim.count({ path: /oauth2\/client/ });
    const zone = 'urn:v1:eu:resource:dnsZone:example.com';
    const question = { account: 'acc', through: 'acc', calls, resources: [zone], types: ['dnsZone'], confirmed: true };
    for (const route of ['resources', 'policy-draft', 'create-policy', 'check']) {
      (await admin(nodeRed, 'POST', `/ovh-credentials/iam/${route}`, question)).status.should.equal(401);
      [401, 403].should.containEql((await admin(nodeRed, 'POST', `/ovh-credentials/iam/${route}`, question, readerToken)).status);
    }
    (sim.count({ path: /^\/v2\/iam\// }) + sim.count({ path: /oauth2\/client/ })).should.equal(before);
  });

  it('refuses the admin endpoints without a token, and to a user without ovh-credentials.write', async () => {
    (await check()).status.should.equal(401);
    const readerToken = await login(nodeRed, 'reader', 'read');
    [401, 403].should.containEql((await check(readerToken)).status);
    const token = await admin(
      nodeRed,
      'POST',
      '/ovh-credentials/request-token',
      { endpoint: 'custom', url: sim.baseUrl, appKey: DEFAULT_APP.appKey, accessRules: [{ method: 'GET', path: '/*' }] },
      readerToken,
    );
    [401, 403].should.containEql(token.status);
    sim.count({ path: '/1.0/auth/credential' }).should.equal(0);
  });

  it('answers an authorised user, using the stored secrets and returning none', async () => {
    const res = await check(adminToken);
    res.status.should.equal(200);
    res.body.status.should.equal('valid');
    res.text.should.not.containEql(consumerKey);
    res.text.should.not.containEql(DEFAULT_APP.appSecret);
  });

  it('never exports the secrets with the flow', async () => {
    const res = await admin(nodeRed, 'GET', '/flows', undefined, adminToken);
    res.text.should.not.containEql(consumerKey);
    res.text.should.not.containEql(DEFAULT_APP.appSecret);
    const output = nodeRed.output.join('');
    output.should.not.containEql(consumerKey);
    output.should.not.containEql(DEFAULT_APP.appSecret);
  });
});
