/** "Rules for my flows": the runtime merges the calls the dialog gathered into the fewest access rules. */
import 'should';
import { useRuntime, load, requestFlow, signatureCredentials, adminPost } from '../../helpers/node-red';
import type { OvhSimulator } from '../../simulator/simulator';

describe('ovh-credentials rules for the flows', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));

  // The routes come with the node types: any loaded flow has them.
  beforeEach(() => load(requestFlow(sim, {}), signatureCredentials(sim)));

  const ask = (body: unknown) => adminPost('/ovh-credentials/rules-for-calls', body);

  it('answers the fewest rules for the calls of several nodes, with who needs each, items of expand included', async () => {
    const res = await ask({
      calls: [
        { method: 'GET', path: '/me', by: 'who am I' },
        { method: 'GET', path: '/dedicated/server', mode: 'expand', by: 'servers' },
        { method: 'GET', path: '/domain/zone/{zoneName}/record', by: 'find' },
        { method: 'PUT', path: '/domain/zone/{zoneName}/record/{id}', by: 'update' },
        { method: 'POST', path: '/domain/zone/{zoneName}/refresh', by: 'refresh' },
        { method: 'post', path: '/1.0/sms/{serviceName}/jobs?x=1', by: 'sms' },
      ],
    });
    res.status.should.equal(200);
    res.body.rules.should.eql([
      { method: 'GET', path: '/dedicated/server', by: ['servers'] },
      { method: 'GET', path: '/dedicated/server/*', by: ['servers'] },
      { method: 'GET', path: '/domain/zone/*/record', by: ['find'] },
      { method: 'PUT', path: '/domain/zone/*/record/*', by: ['update'] },
      { method: 'POST', path: '/domain/zone/*/refresh', by: ['refresh'] },
      { method: 'GET', path: '/me', by: ['who am I'] },
      { method: 'POST', path: '/sms/*/jobs', by: ['sms'] },
    ]);
  });

  it('adds the reads of the task a call waits for, and the items a watch reads as objects', async () => {
    const res = await ask({
      calls: [
        { method: 'POST', path: '/dedicated/server/{serviceName}/reboot', wait: 'task', by: 'reboot' },
        { method: 'POST', path: '/vps/{serviceName}/reboot', wait: 'task', by: 'vps' },
        { method: 'POST', path: '/ip/{ip}/move', wait: 'task', by: 'move' },
        { method: 'POST', path: '/v2/iam/policy', wait: 'task', by: 'policy' },
        { method: 'POST', path: '/me/unknown', wait: 'task', by: 'other' },
        { method: 'GET', path: '/sms/sms-1/incoming', mode: 'expand', by: 'watch' },
      ],
    });
    res.body.rules.should.eql([
      { method: 'POST', path: '/dedicated/server/*/reboot', by: ['reboot'] },
      { method: 'GET', path: '/dedicated/server/*/task/*', by: ['reboot'] },
      { method: 'POST', path: '/ip/*/move', by: ['move'] },
      { method: 'GET', path: '/ip/*/task/*', by: ['move'] },
      { method: 'POST', path: '/me/unknown', by: ['other'] },
      { method: 'GET', path: '/sms/sms-1/incoming', by: ['watch'] },
      { method: 'GET', path: '/sms/sms-1/incoming/*', by: ['watch'] },
      { method: 'POST', path: '/v2/iam/policy', by: ['policy'] },
      { method: 'GET', path: '/v2/iam/policy/*', by: ['policy'] },
      { method: 'POST', path: '/vps/*/reboot', by: ['vps'] },
      { method: 'GET', path: '/vps/*/tasks/*', by: ['vps'] },
    ]);
  });

  it("compares a key's rules with the calls: what they do not allow, and what no call uses", async () => {
    const res = await ask({
      calls: [
        { method: 'GET', path: '/domain/zone/{zoneName}/record', mode: 'expand', by: 'records' },
        { method: 'POST', path: '/domain/zone/{zoneName}/refresh', by: 'refresh' },
      ],
      keyRules: [
        { method: 'GET', path: '/domain/zone/*' },
        { method: 'DELETE', path: '/*' },
      ],
    });
    res.body.comparison.should.eql({
      notAllowed: [{ method: 'POST', path: '/domain/zone/{zoneName}/refresh', by: 'refresh' }],
      unused: [{ method: 'DELETE', path: '/*' }],
    });
    (await ask({ calls: [], keyRules: 'GET /*' })).body.error.should.match(/keyRules is a list/);
  });

  it('refuses what is not a list of calls, naming what is wrong', async () => {
    (await ask({})).status.should.equal(400);
    (await ask({ calls: [{ method: 'PATCH', path: '/me', by: 'x' }] })).body.error.should.match(
      /Unknown method "PATCH": use one of GET, POST, PUT, DELETE/,
    );
    // A path that makes no rule is named, and the other calls are answered.
    (await ask({ calls: [{ method: 'GET', path: 'me', by: 'x' }] })).body.unusable.should.match([{ by: 'x', reason: /start/ }]);
    (await ask({ calls: [{ method: 'GET', path: '/me' }] })).body.error.should.match(/needs a by/);
    (await ask({ calls: Array.from({ length: 2001 }, () => ({ method: 'GET', path: '/me', by: 'x' })) })).status.should.equal(
      400,
    );
  });
});
