/**
 * The account dialog's IAM questions for an OAuth2 service account, in the real Node-RED runtime
 * against the simulator (which applies IAM policies to service accounts): the actions the flows
 * need, the account's resources, a Check listing what is missing, and the policy made from the
 * flows through a consumer-key account, after which the flow's call succeeds.
 */
import 'should';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_APP, type OvhSimulator } from '../../simulator/simulator';
import { accountNode, helper, load, receive, requestFlow, useRuntime } from '../../helpers/node-red';
import { eventLoopCost } from '../../helpers/event-loop';

describe('ovh-credentials IAM endpoints (OAuth2 service accounts)', function () {
  let sim: OvhSimulator;
  // Descriptions kept here, not where other suites' runtimes would read them.
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-iam-routes-'));
  before(() => helper.settings({ userDir }));
  after(() => {
    helper.settings({});
    fs.rmSync(userDir, { recursive: true, force: true });
  });
  useRuntime((started) => (sim = started));

  const secret = 'robotSecret00000000000000000042';
  let clientId = '';
  let identity = '';
  let consumerKey = '';
  let robots = 0;
  const zone = 'urn:v1:eu:resource:dnsZone:example.com';
  const calls = [
    { method: 'GET', path: '/domain/zone/example.com/record', by: 'req' },
    { method: 'POST', path: '/domain/zone/{zoneName}/refresh', by: 'refresher' },
    { method: 'GET', path: '/me', by: 'whoami' },
  ];

  /** The flow: `acc` a new service account (no policy yet), `ck` a consumer-key account, and a request node on `acc`. */
  const deploy = async (request: Record<string, unknown> = { path: '/domain/zone/example.com/record' }) => {
    clientId = `flows-robot-${++robots}`;
    identity = sim.addServiceAccount(clientId, secret);
    consumerKey = sim.addConsumerKey();
    const flow = [
      ...requestFlow(sim, request, { authType: 'oauth2', tokenUrl: sim.tokenUrl }),
      accountNode(sim, { id: 'ck', name: 'owner' }),
    ];
    await load(flow, {
      acc: { clientId, clientSecret: secret },
      ck: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey },
    });
  };
  const post = async (route: string, body: Record<string, unknown>) => {
    const res = await helper.request().post(route).send(body);
    // No answer ever holds a secret of either account.
    for (const hidden of [secret, DEFAULT_APP.appSecret, consumerKey]) res.text.should.not.containEql(hidden);
    return { status: res.status, body: res.body as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('names the IAM actions the flows need, each with the nodes that need it, and their resource types', async () => {
    await deploy();
    const res = await post('/ovh-credentials/iam/actions', {
      account: 'acc',
      calls: [...calls, { method: 'GET', path: '/no/such/{thing}', by: 'typo' }, { method: 'GET', path: '/a/../b', by: 'bad' }],
    });
    res.status.should.equal(200);
    res.body.actions.should.eql([
      { action: 'account:apiovh:me/get', resourceType: 'account', by: ['whoami'] },
      { action: 'dnsZone:apiovh:record/get', resourceType: 'dnsZone', by: ['req'] },
      { action: 'dnsZone:apiovh:refresh', resourceType: 'dnsZone', by: ['refresher'] },
    ]);
    res.body.resourceTypes.should.eql(['account', 'dnsZone']);
    res.body.undescribed.should.eql([{ method: 'GET', path: '/no/such/{thing}', by: ['typo'] }]);
    res.body.unusable.map((u: { by: string }) => u.by).should.eql(['bad']);
    // A region names the API too, for an account not deployed yet.
    const byRegion = await post('/ovh-credentials/iam/actions', { region: 'ovh-eu', calls: [] });
    byRegion.status.should.equal(200);
    byRegion.body.actions.should.eql([]);
    (await post('/ovh-credentials/iam/actions', { account: 'acc', calls: 'all' })).status.should.equal(400);
  });

  it("lists the account's resources of the types asked, and refuses a question without types", async () => {
    await deploy();
    const res = await post('/ovh-credentials/iam/resources', { account: 'ck', types: ['dnsZone', 'account'] });
    res.status.should.equal(200);
    res.body.should.match({ more: false });
    res.body.resources.should.eql([
      { urn: 'urn:v1:eu:resource:account:xx1234-ovh', type: 'account', name: 'xx1234-ovh', displayName: 'xx1234-ovh' },
      { urn: zone, type: 'dnsZone', name: 'example.com', displayName: 'example.com' },
    ]);
    (await post('/ovh-credentials/iam/resources', { account: 'ck', types: [] })).status.should.equal(400);
    (await post('/ovh-credentials/iam/resources', { account: 'nobody', types: ['vps'] })).status.should.equal(400);
  });

  it('takes a flow refused by IAM to a policy made from the flows, after which the same call succeeds', async () => {
    await deploy();
    // The flow's call: 403, naming the action IAM refused.
    let caught = receive('caught');
    helper.getNode('req').receive({});
    const refused = (await caught)[0];
    refused.statusCode.should.equal(403);
    refused.payload.details.should.eql({ unauthorizedActionsByIAM: 'dnsZone:apiovh:record/get', urn: zone });

    // Check: what the service account may not do of what the flows need.
    const before = await post('/ovh-credentials/iam/check', { account: 'acc', calls });
    before.status.should.equal(200);
    before.body.allowed.should.be.false();
    before.body.checked.should.eql(['urn:v1:eu:resource:account:xx1234-ovh', zone]);
    before.body.missing.should.eql([
      { action: 'account:apiovh:me/get', resourceURN: 'urn:v1:eu:resource:account:xx1234-ovh', by: ['whoami'] },
      { action: 'dnsZone:apiovh:record/get', resourceURN: zone, by: ['req'] },
      { action: 'dnsZone:apiovh:refresh', resourceURN: zone, by: ['refresher'] },
    ]);
    sim.count({ method: 'POST', path: '/v2/iam/authorization/check' }).should.equal(1);

    // The policy, drafted then created through the consumer-key account once confirmed.
    const question = { account: 'acc', through: 'ck', calls, resources: [zone, 'urn:v1:eu:resource:account:xx1234-ovh'] };
    const draft = await post('/ovh-credentials/iam/policy-draft', question);
    draft.status.should.equal(200);
    draft.body.identity.should.equal(identity);
    draft.body.policy.should.eql({
      name: `node-red-${clientId}`,
      description: 'The IAM actions the Node-RED flows using this service account need',
      identities: [identity],
      resources: [{ urn: zone }, { urn: 'urn:v1:eu:resource:account:xx1234-ovh' }],
      permissions: {
        allow: [
          { action: 'account:apiovh:me/get' },
          { action: 'dnsZone:apiovh:record/get' },
          { action: 'dnsZone:apiovh:refresh' },
        ],
      },
    });
    draft.body.uncovered.should.eql([]);
    const unconfirmed = await post('/ovh-credentials/iam/create-policy', question);
    unconfirmed.status.should.equal(400);
    unconfirmed.body.error.should.match(/Confirm/);
    sim.count({ method: 'POST', path: '/v2/iam/policy' }).should.equal(0);

    const created = await post('/ovh-credentials/iam/create-policy', { ...question, confirmed: true });
    created.status.should.equal(200);
    created.body.created.name.should.equal(`node-red-${clientId}`);
    const made = sim.data.policies.find((p) => p.id === created.body.created.id)!;
    made.identities.should.eql([identity]);
    // Made with the consumer key's signature, not the service account's token.
    const sent = sim.received({ method: 'POST', path: '/v2/iam/policy' });
    sent.should.have.length(1);
    sent[0].headers['x-ovh-consumer']!.should.equal(consumerKey);

    // Check again: nothing missing; and the flow's call now succeeds.
    const after = await post('/ovh-credentials/iam/check', { account: 'acc', calls });
    after.body.should.match({ allowed: true, missing: [] });
    // Nothing missing on the zone alone, but the account's own action unchecked: not all allowed.
    const zoneOnly = await post('/ovh-credentials/iam/check', { account: 'acc', calls, resources: [zone] });
    zoneOnly.body.should.match({ allowed: false, missing: [], unchecked: ['account:apiovh:me/get'] });
    caught = receive('out');
    helper.getNode('req').receive({});
    (await caught)[0].payload.should.containEql(1001);
  });

  it('checks one chosen resource through the single-resource check, saying which actions no chosen resource is of', async () => {
    await deploy();
    const res = await post('/ovh-credentials/iam/check', { account: 'acc', calls, resources: [zone] });
    res.status.should.equal(200);
    res.body.missing.map((m: { action: string }) => m.action).should.eql(['dnsZone:apiovh:record/get', 'dnsZone:apiovh:refresh']);
    res.body.unchecked.should.eql(['account:apiovh:me/get']);
    sim.count({ method: 'POST', path: /^\/v2\/iam\/resource\/.*\/authorization\/check$/ }).should.equal(1);
    sim.count({ method: 'POST', path: '/v2/iam/authorization/check' }).should.equal(0);
  });

  it('refuses IAM questions about a consumer-key account, an account not deployed, or resources that are not URNs', async () => {
    await deploy();
    const onKey = await post('/ovh-credentials/iam/check', { account: 'ck', calls });
    onKey.status.should.equal(400);
    onKey.body.error.should.match(/access rules/);
    (
      await post('/ovh-credentials/iam/policy-draft', { account: 'acc', through: 'gone', calls, resources: [zone] })
    ).status.should.equal(400);
    const notUrns = await post('/ovh-credentials/iam/policy-draft', {
      account: 'acc',
      through: 'ck',
      calls,
      resources: ['example.com'],
    });
    notUrns.status.should.equal(400);
    notUrns.body.error.should.match(/URN/);
    sim.count({ path: /oauth2\/client/ }).should.equal(0);
    sim.count({ method: 'POST', path: '/v2/iam/policy' }).should.equal(0);
  });

  it('keeps to its budgets: a body over 1 MB refused before any work, at most 1,000 resources listed', async () => {
    await deploy();
    const huge = { account: 'acc', calls: [{ method: 'GET', path: '/me', by: 'x'.repeat(1024 * 1024) }] };
    const tooLarge = await post('/ovh-credentials/iam/actions', huge);
    tooLarge.status.should.equal(413);
    const vps = sim.data.vps.slice();
    try {
      for (let i = 0; i < 1500; i++) sim.data.vps.push(`vps-many-${i}.vps.ovh.net`);
      const res = await post('/ovh-credentials/iam/resources', { account: 'ck', types: ['vps'] });
      res.status.should.equal(200);
      res.body.resources.should.have.length(1000);
      res.body.more.should.be.true();
      // Pages of 500: the third page is read only as far as it shows there are more.
      sim.count({ method: 'GET', path: '/v2/iam/resource' }).should.equal(3);
    } finally {
      sim.data.vps.splice(0, sim.data.vps.length, ...vps);
    }
  });

  it('says why a family could not be read, and looks up thousands of operations without holding the other flows', async () => {
    await deploy();
    const unread = await post('/ovh-credentials/iam/actions', {
      account: 'acc',
      calls: [
        { method: 'GET', path: '/xdsl/{serviceName}', by: 'line' },
        { method: 'GET', path: '/me', by: 'whoami' },
      ],
    });
    unread.status.should.equal(200);
    unread.body.actions.map((a: { action: string }) => a.action).should.eql(['account:apiovh:me/get']);
    unread.body.undescribed.should.eql([{ method: 'GET', path: '/xdsl/{serviceName}', by: ['line'] }]);
    unread.body.unreadable.should.have.length(1);
    unread.body.unreadable[0].should.match(/xdsl/);
    // 2,000 distinct calls, each looked up among the few hundred operations of /me.
    const calls = Array.from({ length: 2000 }, (_, i) => ({ method: 'GET', path: `/me/bill/FR${i}/details/${i}`, by: `n${i}` }));
    const { result, heldMs, gapMs } = await eventLoopCost(() => post('/ovh-credentials/iam/actions', { account: 'acc', calls }));
    result.status.should.equal(200);
    result.body.actions.should.have.length(1);
    result.body.actions[0].by.should.have.length(100);
    heldMs.should.be.below(50, `the event loop was held ${Math.round(heldMs)} ms (longest gap ${Math.round(gapMs)} ms)`);
  });
});
