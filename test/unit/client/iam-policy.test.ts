/**
 * IAM for a service account from its flows' calls, as pure rules: the actions needed (from the
 * real API's descriptions), the policy made of them, and what checks and IAM 403s say is missing.
 */
import 'should';
import {
  MOST_ACTIONS,
  findOperation,
  missingActions,
  neededIamActions,
  policyFor,
  readFamily,
  refusedByIam,
  resourceTypeOfUrn,
  serviceAccountIdentity,
  type FlowCall,
  type Operation,
} from '../../../nodes/client';
import { fullApiFamilies } from '../../helpers/full-api';

describe('IAM policies from the flows', () => {
  let operations: Operation[];
  before(() => {
    operations = fullApiFamilies()
      .filter((f) => ['/domain', '/vps', '/me', '/v2/iam'].includes(f.branch === 'v2' ? `/v2${f.name}` : f.name))
      .flatMap((f) => readFamily(f.branch, f.name, f.description).operations);
  });
  const actionsOf = (call: FlowCall) => findOperation(operations, call.method, call.path)?.iamActions;
  const identity = 'urn:v1:eu:identity:credential:xx1234-ovh/oauth2-EU.abc123';

  it('names each action the calls need once, with every node that needs it, from the real descriptions', () => {
    const needs = neededIamActions(
      [
        { method: 'GET', path: '/domain/zone/{zoneName}/record', by: 'a' },
        { method: 'GET', path: '/domain/zone/example.com/record', by: 'b' },
        { method: 'POST', path: '/vps/{serviceName}/reboot', by: 'c' },
        { method: 'GET', path: '/me', by: 'c' },
        { method: 'POST', path: '/v2/iam/authorization/check', by: 'd' },
        { method: 'GET', path: '/nowhere', by: 'e' },
        { method: 'GET', path: '/nowhere', by: 'f' },
      ],
      actionsOf,
    );
    needs.actions.should.eql([
      { action: 'account:apiovh:me/get', resourceType: 'account', by: ['c'] },
      { action: 'dnsZone:apiovh:record/get', resourceType: 'dnsZone', by: ['a', 'b'] },
      { action: 'vps:apiovh:reboot', resourceType: 'vps', by: ['c'] },
    ]);
    needs.resourceTypes.should.eql(['account', 'dnsZone', 'vps']);
    // The check needs no action; the unknown path is said, with both its nodes.
    needs.undescribed.should.eql([{ method: 'GET', path: '/nowhere', by: ['e', 'f'] }]);
  });

  it('skips what is not an action, and refuses more actions than any flows need', () => {
    neededIamActions([{ method: 'GET', path: '/x', by: 'a' }], () => ['<script>', 'a:b:c d', 'ok:apiovh:get']).actions.should.eql(
      [{ action: 'ok:apiovh:get', resourceType: 'ok', by: ['a'] }],
    );
    const many = Array.from({ length: MOST_ACTIONS + 1 }, (_, i) => `t:apiovh:a${i}`);
    (() => neededIamActions([{ method: 'GET', path: '/x', by: 'a' }], () => many)).should.throw(/more than 1000 IAM actions/);
  });

  it("reads the service account's identity from its oauth2.client, and nothing else", () => {
    serviceAccountIdentity({ clientId: 'EU.abc123', identity })!.should.equal(identity);
    for (const bad of [null, {}, { identity: null }, { identity: 'urn:v1:eu:identity:user:xx1234-ovh/bob' }, { identity: 42 }]) {
      (serviceAccountIdentity(bad) === undefined).should.be.true();
    }
  });

  it('makes the iam.policy.Creation for the identity, the actions and the resources chosen, saying which actions no resource covers', () => {
    const made = policyFor({
      name: ' flows ',
      identity,
      actions: ['dnsZone:apiovh:record/get', 'vps:apiovh:reboot', 'dnsZone:apiovh:record/get'],
      resources: ['urn:v1:eu:resource:dnsZone:example.com'],
    });
    made.policy.should.eql({
      name: 'flows',
      description: '',
      identities: [identity],
      resources: [{ urn: 'urn:v1:eu:resource:dnsZone:example.com' }],
      permissions: { allow: [{ action: 'dnsZone:apiovh:record/get' }, { action: 'vps:apiovh:reboot' }] },
    });
    made.uncovered.should.eql(['vps:apiovh:reboot']);
    const base = { name: 'p', identity, actions: ['vps:apiovh:reboot'], resources: ['urn:v1:eu:resource:vps:vps-1'] };
    (() => policyFor({ ...base, name: ' ' })).should.throw(/name/);
    (() => policyFor({ ...base, identity: 'xx1234-ovh' })).should.throw(/service account URN/);
    (() => policyFor({ ...base, actions: [] })).should.throw(/No IAM action/);
    (() => policyFor({ ...base, resources: [] })).should.throw(/Choose the resources/);
    (() => policyFor({ ...base, resources: ['vps-1'] })).should.throw(/URN/);
    resourceTypeOfUrn('urn:v1:eu:resource:ip:192.0.2.0/24')!.should.equal('ip');
  });

  it('reads authorization checks into what is missing: needed actions refused on resources of their type', () => {
    const needed = [
      { action: 'dnsZone:apiovh:record/get', resourceType: 'dnsZone', by: ['a'] },
      { action: 'vps:apiovh:reboot', resourceType: 'vps', by: ['b'] },
    ];
    missingActions(needed, [
      {
        resourceURN: 'urn:v1:eu:resource:dnsZone:example.com',
        authorizedActions: [],
        unauthorizedActions: ['dnsZone:apiovh:record/get', 'vps:apiovh:reboot', 'other:apiovh:x'],
      },
      { resourceURN: 'urn:v1:eu:resource:vps:vps-1', unauthorizedActions: [] },
      { resourceURN: 42, unauthorizedActions: ['vps:apiovh:reboot'] },
      { resourceURN: 'urn:v1:eu:resource:vps:vps-2', unauthorizedActions: 'vps:apiovh:reboot' },
    ]).should.eql([{ action: 'dnsZone:apiovh:record/get', resourceURN: 'urn:v1:eu:resource:dnsZone:example.com', by: ['a'] }]);
  });

  it("reads an IAM 403's details: one action, several, or none", () => {
    refusedByIam({ unauthorizedActionsByIAM: 'vps:apiovh:reboot', urn: 'urn:v1:eu:resource:vps:vps-1' })!.should.eql({
      actions: ['vps:apiovh:reboot'],
      urn: 'urn:v1:eu:resource:vps:vps-1',
    });
    refusedByIam({ unauthorizedActionsByIAM: 'a:apiovh:x, b:apiovh:y' })!.actions.should.eql(['a:apiovh:x', 'b:apiovh:y']);
    refusedByIam({ unauthorizedActionsByIAM: ['a:apiovh:x', 7] })!.actions.should.eql(['a:apiovh:x']);
    (refusedByIam({ message: 'x' }) === undefined).should.be.true();
    (refusedByIam(null) === undefined).should.be.true();
  });
});
