/**
 * The request dialog's questions to a deployed account: the values of a placeholder, and Try.
 * Through the running account node, against the simulator (which checks keys and rules).
 */
import 'should';
import { OvhSimulator } from '../../simulator/simulator';
import {
  helper,
  load,
  requestFlow,
  signatureCredentials,
  useRuntime,
  adminPost,
  adminGet,
  useUserDir,
} from '../../helpers/node-red';
import { parentList } from '../../../nodes/admin/try-and-values-routes';
import { deepJson, startHostileApi } from '../../helpers/hostile-api';

describe('ovh-credentials account endpoints (values, Try)', function () {
  let sim: OvhSimulator;
  // Descriptions kept here, not where other suites' runtimes would read them (the deploy check does).
  useUserDir('ovh-account-routes-');
  useRuntime((started) => (sim = started));

  const row = (name: string, place: string, type: string, valueType: string, value: string) => ({
    name,
    in: place,
    type,
    valueType,
    value,
  });

  it('finds the list a placeholder comes from, filling the placeholders before it', () => {
    parentList('/domain/zone/{zoneName}/record', 'zoneName', {}).should.equal('/domain/zone');
    parentList('/sms/{serviceName}/jobs', 'serviceName', {}).should.equal('/sms');
    parentList('/domain/zone/{zoneName}/record/{id}', 'id', { zoneName: 'example.com' }).should.equal(
      '/domain/zone/example.com/record',
    );
    parentList('/ip/{ip}/task', 'ip', {}).should.equal('/ip');
    parentList('/x/{a}/y/{b}', 'b', { a: '192.0.2.0/24' }).should.equal('/x/192.0.2.0%2F24/y');
    (() => parentList('/domain/zone/{zoneName}/record/{id}', 'id', {})).should.throw(/Choose \{zoneName\} first/);
    (() => parentList('/{zoneName}', 'zoneName', {})).should.throw(/after a list/);
  });

  it("offers a placeholder's values from the account, nested ones from the values chosen", async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const zones = await adminPost('/ovh-credentials/account/values', {
      account: 'acc',
      path: '/domain/zone/{zoneName}/record',
      placeholder: 'zoneName',
    });
    zones.status.should.equal(200);
    zones.body.should.match({ listPath: '/domain/zone', values: ['example.com'] });
    const ids = await adminPost('/ovh-credentials/account/values', {
      account: 'acc',
      path: '/domain/zone/{zoneName}/record/{id}',
      placeholder: 'id',
      params: { zoneName: 'example.com' },
    });
    ids.body.values.should.containEql(1002);
    // Kept briefly: asked again, the API is not called again.
    const before = sim.count({ path: '/1.0/domain/zone' });
    await adminPost('/ovh-credentials/account/values', {
      account: 'acc',
      path: '/domain/zone/{zoneName}',
      placeholder: 'zoneName',
    });
    sim.count({ path: '/1.0/domain/zone' }).should.equal(before);
  });

  it('labels the values of a field as the operation description says where they come from', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const described = await helper
      .request()
      .get('/ovh-credentials/catalogue/operation')
      .query({ account: 'acc', method: 'PUT', path: '/domain/zone/{zoneName}/record/{id}' });
    const source = described.body.operation.sources.id as Record<string, unknown>;
    const ask = (params: Record<string, string>) =>
      adminPost('/ovh-credentials/account/values', { account: 'acc', field: '{id}', source, params });
    const records = await ask({ zoneName: 'example.com' });
    records.status.should.equal(200);
    records.body.should.match({ listPath: '/domain/zone/example.com/record', values: [1001, 1002, 1003, 1004] });
    records.body.labels[1].should.equal('www · A · 203.0.113.10');
    // Kept briefly, by the list and the values it reads: another value chosen elsewhere reads nothing again.
    const before = sim.count({ path: '/1.0/domain/zone/example.com/record' });
    await ask({ zoneName: 'example.com', target: 'x' });
    sim.count({ path: '/1.0/domain/zone/example.com/record' }).should.equal(before);
    (await ask({})).body.error.should.equal('Choose {zoneName} first: the values of {id} depend on it');
    const forged = await adminPost('/ovh-credentials/account/values', {
      account: 'acc',
      field: 'x',
      source: { list: '/domain/zone', item: '/me/{x}', labels: [{ property: 'name' }] },
    });
    forged.status.should.equal(400);
  });

  it('forgets the values kept for an account when it is deployed again (another key may not list them)', async () => {
    const flow = requestFlow(sim, {});
    await load(flow, signatureCredentials(sim));
    const ask = () =>
      adminPost('/ovh-credentials/account/values', { account: 'acc', path: '/domain/zone/{zoneName}', placeholder: 'zoneName' });
    (await ask()).body.values.should.eql(['example.com']);
    await helper.unload();
    await load(flow, signatureCredentials(sim, sim.addConsumerKey([{ method: 'GET', path: '/me' }])));
    const again = await ask();
    again.body.values.should.eql([]);
    again.body.refused.should.match(/NOT_GRANTED_CALL/);
  });

  it("says when the key's rules do not allow the list, naming the rule that would", async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim, sim.addConsumerKey([{ method: 'GET', path: '/me' }])));
    const res = await adminPost('/ovh-credentials/account/values', {
      account: 'acc',
      path: '/sms/{serviceName}/jobs',
      placeholder: 'serviceName',
    });
    res.status.should.equal(200);
    res.body.values.should.eql([]);
    res.body.refused.should.match(/NOT_GRANTED_CALL.*a rule GET \/sms would allow it/);
  });

  it('tries a GET as configured, literal rows evaluated, msg rows named as not set', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const res = await adminPost('/ovh-credentials/account/try', {
      account: 'acc',
      method: 'GET',
      path: '/domain/zone/{zoneName}/record',
      parameters: [
        row('zoneName', 'path', 'string', 'str', 'example.com'),
        row('subDomain', 'query', 'string', 'str', 'www'),
        row('fieldType', 'query', 'string', 'msg', 'payload.type'),
      ],
    });
    res.status.should.equal(200);
    res.body.should.match({ ok: true, statusCode: 200, answer: [1002], notSet: ['fieldType'] });
    res.body.queryId.should.be.a.String();
    sim.received({ path: '/1.0/domain/zone/example.com/record' })[0].search.should.equal('subDomain=www');
  });

  it("tries a list in the node's mode, reading only its beginning, and says so", async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const expanded = await adminPost('/ovh-credentials/account/try', {
      account: 'acc',
      method: 'GET',
      path: '/domain/zone/{zoneName}/record',
      mode: 'expand',
      parameters: [row('zoneName', 'path', 'string', 'str', 'example.com')],
    });
    expanded.status.should.equal(200);
    expanded.body.tried.should.eql({ mode: 'expand', items: 4, failed: 0, more: false });
    expanded.body.answer[1].should.match({ id: 1002, subDomain: 'www', fieldType: 'A' });
    // Pages of one policy each: three are read, the other twenty are not asked for.
    const before = sim.count({ path: '/v2/iam/policy' });
    const paged = await adminPost('/ovh-credentials/account/try', {
      account: 'acc',
      method: 'GET',
      path: '/v2/iam/policy',
      mode: 'pages',
      pageSize: 1,
    });
    paged.body.should.match({ ok: true, statusCode: 200, tried: { mode: 'pages', pages: 3, items: 3, more: true } });
    paged.body.answer.should.have.length(3);
    sim.count({ path: '/v2/iam/policy' }).should.equal(before + 3);
    const refused = await adminPost('/ovh-credentials/account/try', {
      account: 'acc',
      method: 'POST',
      path: '/me',
      mode: 'expand',
    });
    refused.status.should.equal(400);
    refused.body.error.should.match(/get-only/);
  });

  it('tries a POST with its body rows converted, and shows an error in the words of the runtime', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const created = await adminPost('/ovh-credentials/account/try', {
      account: 'acc',
      method: 'POST',
      path: '/domain/zone/{zoneName}/record',
      parameters: [
        row('zoneName', 'path', 'string', 'str', 'example.com'),
        row('fieldType', 'body', 'domain.zone.RecordTypeEnum', 'str', 'TXT'),
        row('target', 'body', 'string', 'str', 'hello'),
        row('ttl', 'body', 'long', 'str', '60'),
      ],
    });
    created.body.should.match({ ok: true, statusCode: 200 });
    JSON.parse(sim.received({ method: 'POST' })[0].body).should.eql({ fieldType: 'TXT', target: 'hello', ttl: 60 });
    const missing = await adminPost('/ovh-credentials/account/try', {
      account: 'acc',
      method: 'GET',
      path: '/domain/zone/{zoneName}',
      parameters: [row('zoneName', 'path', 'string', 'str', 'nowhere.example')],
    });
    missing.body.should.match({ ok: false, statusCode: 404 });
    missing.body.error.should.match(/^GET \/domain\/zone\/\{zoneName\} failed: 404 .*query id/);
    const refused = await adminPost('/ovh-credentials/account/try', {
      account: 'acc',
      method: 'GET',
      path: '/domain/zone/{zoneName}',
      parameters: [row('ttl', 'query', 'long', 'str', 'soon')],
    });
    refused.status.should.equal(400);
    refused.body.error.should.match(/Parameter "ttl" must be a whole number/);
  });

  it('refuses, before sending anything, a call whose placeholder or required value reads a msg', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    sim.resetCounters();
    const placeholder = await adminPost('/ovh-credentials/account/try', {
      account: 'acc',
      method: 'GET',
      path: '/domain/zone/{zoneName}/record',
      parameters: [{ ...row('zoneName', 'path', 'string', 'msg', 'zone'), required: true }],
    });
    placeholder.status.should.equal(400);
    placeholder.body.error.should.equal(
      'Parameter "zoneName" reads msg zone, which Try has no msg for: give the row a value to try the call',
    );
    const required = await adminPost('/ovh-credentials/account/try', {
      account: 'acc',
      method: 'POST',
      path: '/sms/{serviceName}/jobs',
      parameters: [
        row('serviceName', 'path', 'string', 'str', 'sms-ab12345-1'),
        { ...row('message', 'body', 'string', 'msg', 'payload'), required: true },
      ],
    });
    required.status.should.equal(400);
    required.body.error.should.match(/Parameter "message" reads msg payload/);
    sim.count().should.equal(0);
  });

  it('names the IAM actions an operation needs when IAM refuses a Try, as at runtime', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    await adminGet('/ovh-credentials/catalogue/search', { account: 'acc', q: '/dedicated/server/' }); // keeps the description
    sim.iamDenied.add('dedicatedServer:apiovh:reboot');
    try {
      const server = Object.keys(sim.data.servers)[0];
      const res = await adminPost('/ovh-credentials/account/try', {
        account: 'acc',
        method: 'POST',
        path: '/dedicated/server/{serviceName}/reboot',
        parameters: [row('serviceName', 'path', 'string', 'str', server)],
      });
      res.body.should.match({ ok: false, statusCode: 403 });
      res.body.error.should.match(/; the operation needs the IAM actions dedicatedServer:apiovh:reboot$/);
    } finally {
      sim.iamDenied.delete('dedicatedServer:apiovh:reboot');
    }
  });

  it('acts only through a deployed account, and never answers a key', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    const res = await adminPost('/ovh-credentials/account/try', { account: 'nope', method: 'GET', path: '/me' });
    res.status.should.equal(400);
    res.body.error.should.match(/Deploy this account first/);
    (await adminPost('/ovh-credentials/account/try', { account: 'req', method: 'GET', path: '/me' })).status.should.equal(400); // not an account
    const me = await adminPost('/ovh-credentials/account/try', { account: 'acc', method: 'GET', path: '/me' });
    const text = JSON.stringify(me.body);
    const { acc } = signatureCredentials(sim);
    text.should.not.containEql(acc.appSecret);
  });

  it('says an answer nested too deep, in Try and in the values, and goes on answering', async () => {
    const hostile = await startHostileApi(() => ({ body: deepJson(6000) }));
    try {
      await load(requestFlow(sim, {}, { url: hostile.baseUrl }), signatureCredentials(sim));
      const tried = await adminPost('/ovh-credentials/account/try', { account: 'acc', method: 'GET', path: '/deep' });
      tried.status.should.equal(200);
      tried.body.should.match({ ok: false, error: /nested deeper than 64 levels/ });
      const values = await adminPost('/ovh-credentials/account/values', {
        account: 'acc',
        path: '/deep/{serviceName}',
        placeholder: 'serviceName',
      });
      values.status.should.be.within(200, 599);
      JSON.stringify(values.body).should.match(/nested deeper than 64 levels/);
      hostile.answer = () => ({ body: '["a","b"]' });
      const after = await adminPost('/ovh-credentials/account/try', { account: 'acc', method: 'GET', path: '/list' });
      after.body.should.match({ ok: true, answer: ['a', 'b'] });
    } finally {
      await hostile.close();
    }
  });
});
