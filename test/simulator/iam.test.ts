/**
 * The simulator's IAM, over real HTTP with the project's client: the account's resources, policies
 * made, changed and removed, the authorization checks, and a service account that may do only
 * what the policies naming its identity allow (the actions read from the API's description).
 */
import 'should';
import { OvhClient, type OvhApiError } from '../../nodes/client';
import { clientFor, rejection, startSimulator } from '../helpers';
import type { SimPolicy } from './data';
import type { IamResource } from './iam-rules';
import { DEFAULT_OAUTH, type OvhSimulator } from './simulator';

describe('simulator IAM', function () {
  let sim: OvhSimulator;
  let owner: OvhClient;
  const clientId = 'flows-robot';
  let robot: OvhClient;
  let identity: string;
  const made: string[] = [];

  before(async () => {
    sim = await startSimulator();
    owner = clientFor(sim);
    identity = sim.addServiceAccount(clientId, 'robotSecret0000000000000000001');
    robot = new OvhClient({
      endpoint: sim.baseUrl,
      authType: 'oauth2',
      tokenUrl: sim.tokenUrl,
      clientId,
      clientSecret: 'robotSecret0000000000000000001',
      retry: { maxAttempts: 1 },
    });
  });
  after(async () => {
    await Promise.all([owner.close(), robot.close()]);
    await sim.close();
  });
  beforeEach(() => sim.resetCounters());
  afterEach(async () => {
    for (const id of made.splice(0)) await owner.delete(`/v2/iam/policy/${id}`).catch(() => undefined);
  });

  const zone = 'urn:v1:eu:resource:dnsZone:example.com';
  const policy = async (actions: string[], urns: string[], extra: Record<string, unknown> = {}) => {
    const created = await owner.post<SimPolicy>('/v2/iam/policy', {
      name: 'flows',
      identities: [identity],
      resources: urns.map((urn) => ({ urn })),
      permissions: { allow: actions.map((action) => ({ action })) },
      ...extra,
    });
    made.push(created.id);
    return created;
  };
  const refusal = async (call: Promise<unknown>) => (await rejection(call)) as unknown as OvhApiError;

  it("names a service account's identity in its oauth2.client, never its secret", async () => {
    identity.should.equal(`urn:v1:eu:identity:credential:xx1234-ovh/oauth2-${clientId}`);
    (await owner.get<string[]>('/me/api/oauth2/client')).should.containEql(clientId);
    const client = await owner.get<Record<string, unknown>>(`/me/api/oauth2/client/${clientId}`);
    client.should.match({ clientId, flow: 'CLIENT_CREDENTIALS', identity });
    JSON.stringify(client).should.not.match(/robotSecret/);
    (await refusal(owner.get('/me/api/oauth2/client/nobody'))).statusCode.should.equal(404);
  });

  it("lists the account's resources in cursor pages, filtered by type", async () => {
    const { items: all, pages } = await owner.allPages<IamResource>('/v2/iam/resource', { pageSize: 5 });
    pages.should.be.above(4);
    all.length.should.be.above(20);
    all
      .map((r) => r.urn)
      .should.containDeep([zone, 'urn:v1:eu:resource:account:xx1234-ovh', 'urn:v1:eu:resource:vps:vps-1.vps.ovh.net']);
    all
      .find((r) => r.urn === zone)!
      .should.match({ type: 'dnsZone', name: 'example.com', owner: 'xx1234-ovh', id: /^[0-9a-f-]{36}$/ });
    const { items: some } = await owner.allPages<IamResource>('/v2/iam/resource', {
      query: { resourceType: ['dnsZone', 'sms'] },
    });
    some
      .map((r) => r.type)
      .sort()
      .should.eql(['dnsZone', 'sms']);
  });

  it('refuses a service account what no policy allows, naming every action missing, then allows what a policy allows', async () => {
    const err = await refusal(robot.get('/domain/zone/{zoneName}/record', { params: { zoneName: 'example.com' } }));
    err.statusCode.should.equal(403);
    err.errorClass!.should.equal('Client::Forbidden');
    (err.details as Record<string, unknown>).should.eql({ unauthorizedActionsByIAM: 'dnsZone:apiovh:record/get', urn: zone });
    // An operation needing two actions names both.
    (await refusal(robot.post('/me/api/log/subscription', {}))).details!.should.eql({
      unauthorizedActionsByIAM: 'account:apiovh:me/api/log/subscription/create,ldp:apiovh:output/graylog/stream/forwardTo',
      urn: 'urn:v1:eu:resource:account:xx1234-ovh',
    });
    await policy(['dnsZone:apiovh:record/get'], [zone]);
    (await robot.get<number[]>('/domain/zone/{zoneName}/record', { params: { zoneName: 'example.com' } })).should.containEql(
      1001,
    );
    // Another zone action, or the same on another resource, is still refused.
    (await refusal(robot.post('/domain/zone/example.com/refresh'))).statusCode.should.equal(403);
    (await refusal(robot.get('/me'))).details!.should.eql({
      unauthorizedActionsByIAM: 'account:apiovh:me/get',
      urn: 'urn:v1:eu:resource:account:xx1234-ovh',
    });
  });

  it('allows a list when a policy allows its action on some resource of its type', async () => {
    const err = await refusal(robot.get('/domain/zone'));
    err.statusCode.should.equal(403);
    err.details!.should.eql({ unauthorizedActionsByIAM: 'dnsZone:apiovh:get', urn: 'urn:v1:eu:resource:dnsZone:*' });
    await policy(['dnsZone:apiovh:get'], [zone]);
    (await robot.get<string[]>('/domain/zone')).should.eql(['example.com']);
  });

  it('reads wildcards, except and deny, and forgets a policy removed', async () => {
    const vps = 'urn:v1:eu:resource:vps:vps-1.vps.ovh.net';
    const made = await policy(['vps:apiovh:*'], [vps], {
      permissions: { allow: [{ action: 'vps:apiovh:*' }], except: [{ action: 'vps:apiovh:reboot' }] },
    });
    (await robot.get<string[]>('/vps')).should.containEql('vps-1.vps.ovh.net');
    (await refusal(robot.post('/vps/vps-1.vps.ovh.net/reboot'))).statusCode.should.equal(403);
    await owner.put(`/v2/iam/policy/${made.id}`, {
      name: 'flows',
      identities: [identity],
      resources: [{ urn: vps }],
      permissions: { allow: [{ action: '*' }] },
    });
    (await robot.post<Record<string, unknown>>('/vps/vps-1.vps.ovh.net/reboot')).should.have.property('type', 'rebootVm');
    const denying = await policy([], [vps], { permissions: { deny: [{ action: 'vps:apiovh:reboot' }] } });
    (await refusal(robot.post('/vps/vps-1.vps.ovh.net/reboot'))).statusCode.should.equal(403);
    await owner.delete(`/v2/iam/policy/${denying.id}`);
    await owner.delete(`/v2/iam/policy/${made.id}`);
    (await refusal(robot.post('/vps/vps-1.vps.ovh.net/reboot'))).statusCode.should.equal(403);
    (await refusal(owner.get(`/v2/iam/policy/${made.id}`))).statusCode.should.equal(404);
  });

  it("answers the authorization checks for the caller's own identity", async () => {
    await policy(['dnsZone:apiovh:record/get'], [zone]);
    const actions = ['dnsZone:apiovh:record/get', 'dnsZone:apiovh:record/create'];
    const one = await robot.post<Record<string, unknown>>(`/v2/iam/resource/${encodeURIComponent(zone)}/authorization/check`, {
      actions,
    });
    one.should.eql({ authorizedActions: ['dnsZone:apiovh:record/get'], unauthorizedActions: ['dnsZone:apiovh:record/create'] });
    const batch = await robot.post<unknown[]>('/v2/iam/authorization/check', {
      actions,
      resourceURNs: [zone, 'urn:v1:eu:resource:sms:sms-ab12345-1'],
    });
    batch.should.eql([
      { resourceURN: zone, ...one },
      { resourceURN: 'urn:v1:eu:resource:sms:sms-ab12345-1', authorizedActions: [], unauthorizedActions: actions },
    ]);
    // The account's own keys may do anything.
    (
      await owner.post<Record<string, unknown>>(`/v2/iam/resource/${encodeURIComponent(zone)}/authorization/check`, { actions })
    ).unauthorizedActions!.should.eql([]);
    (await refusal(robot.post('/v2/iam/authorization/check', { actions }))).statusCode.should.equal(400);
  });

  it('refuses a policy on a resource the account does not hold, or of the wrong shape', async () => {
    const bad = (body: Record<string, unknown>) => refusal(owner.post('/v2/iam/policy', body));
    (
      await bad({ name: 'x', identities: [identity], resources: [{ urn: 'urn:v1:eu:resource:vps:not-mine' }] })
    ).statusCode.should.equal(400);
    (await bad({ name: 'x', identities: 'me' })).statusCode.should.equal(400);
    (await bad({ name: 'x', permissions: { allow: ['vps:apiovh:reboot'] } })).statusCode.should.equal(400);
  });

  it('lets the default service account do anything, as before', async () => {
    const c = new OvhClient({ endpoint: sim.baseUrl, authType: 'oauth2', tokenUrl: sim.tokenUrl, ...DEFAULT_OAUTH });
    try {
      (await c.get<Record<string, unknown>>('/me')).nichandle!.should.equal('xx1234-ovh');
    } finally {
      await c.close();
    }
  });
});
