/**
 * Secrets never leave: a full run (answers, API errors, network errors, bad input, both auth
 * types, the admin endpoints, an export) is captured whole and searched for every secret.
 */
import 'should';
import { inspect } from 'node:util';
import { DEFAULT_APP, DEFAULT_OAUTH, OvhSimulator } from '../simulator/simulator';
import { helper, logLines, ourNodes, receive, useRuntime, type Msg } from '../helpers/node-red';

describe('secrets', function () {
  this.timeout(60_000);
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));

  it('appear in no msg, status, log line, error, admin answer or export', async () => {
    const consumerKey = sim.addConsumerKey([
      { method: 'GET', path: '/*' },
      { method: 'POST', path: '/sms/*' },
    ]);
    const at = { z: 'flow', x: 100, y: 100 };
    const requests: Array<[string, string, Record<string, unknown>]> = [
      ['ok', 'sig', { method: 'GET', path: '/me' }],
      ['notFound', 'sig', { method: 'GET', path: '/domain/nothing.example' }],
      ['notGranted', 'sig', { method: 'POST', path: '/domain/zone/example.com/refresh' }],
      ['badInput', 'sig', { method: 'GET', path: '/domain/{name}' }],
      ['secondOutput', 'sig', { method: 'GET', path: '/domain/nothing.example', errorOutput: true }],
      ['down', 'down', { method: 'GET', path: '/me' }],
      ['oauthOk', 'oauth', { method: 'GET', path: '/me' }],
      ['oauthBad', 'oauthBad', { method: 'GET', path: '/me' }],
      ['pages', 'sig', { method: 'GET', path: '/v2/iam/policy', mode: 'pages' }],
    ];
    const flow: Array<Record<string, unknown>> = [
      { id: 'flow', type: 'tab', label: 'secrets' },
      {
        id: 'sig',
        type: 'ovh-credentials',
        endpoint: 'custom',
        url: sim.baseUrl,
        authType: 'signature',
        credentialsFrom: 'node',
      },
      {
        id: 'down',
        type: 'ovh-credentials',
        endpoint: 'custom',
        url: 'http://127.0.0.1:9/1.0',
        authType: 'signature',
        credentialsFrom: 'node',
      },
      {
        id: 'oauth',
        type: 'ovh-credentials',
        endpoint: 'custom',
        url: sim.baseUrl,
        tokenUrl: sim.tokenUrl,
        authType: 'oauth2',
        credentialsFrom: 'node',
      },
      {
        id: 'oauthBad',
        type: 'ovh-credentials',
        endpoint: 'custom',
        url: sim.baseUrl,
        tokenUrl: sim.tokenUrl,
        authType: 'oauth2',
        credentialsFrom: 'node',
      },
      { id: 'catch', ...at, type: 'catch', scope: null, uncaught: false, wires: [['sink']] },
      { id: 'sink', ...at, type: 'helper' },
      ...requests.map(([id, account, props]) => ({
        id,
        ...at,
        type: 'ovh-request',
        account,
        wires: [['sink'], ['sink']],
        ...props,
      })),
    ];
    const wrongSecret = 'wrong-client-secret-0000000001';
    const credentials = {
      sig: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey },
      down: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey },
      oauth: { clientId: DEFAULT_OAUTH.clientId, clientSecret: DEFAULT_OAUTH.clientSecret },
      oauthBad: { clientId: DEFAULT_OAUTH.clientId, clientSecret: wrongSecret },
    };
    await helper.load(ourNodes, flow, credentials);

    const statuses: unknown[] = [];
    for (const [id] of requests) {
      const node = helper.getNode(id);
      const original = node.status.bind(node);
      node.status = (s: unknown) => {
        statuses.push(s);
        original(s);
      };
    }
    const msgs = receive('sink', requests.length, 15_000);
    for (const [id] of requests) helper.getNode(id).receive({ topic: id });
    const captured: Msg[] = await msgs;
    await new Promise((r) => setTimeout(r, 400)); // the last status updates

    const post = async (path: string, body: Record<string, unknown>) =>
      (await helper.request().post(path).send(body)).text as string;
    const admin = [
      await post('/ovh-credentials/check', {
        id: 'sig',
        endpoint: 'custom',
        url: sim.baseUrl,
        appKey: DEFAULT_APP.appKey,
        appSecret: '__PWRD__',
        consumerKey: '__PWRD__',
      }),
      await post('/ovh-credentials/check', {
        id: 'sig',
        endpoint: 'custom',
        url: sim.baseUrl,
        appKey: DEFAULT_APP.appKey,
        appSecret: 'bad',
        consumerKey: '__PWRD__',
      }),
      await post('/ovh-credentials/check', {
        id: 'oauth',
        endpoint: 'custom',
        url: sim.baseUrl,
        tokenUrl: sim.tokenUrl,
        authType: 'oauth2',
        clientId: DEFAULT_OAUTH.clientId,
        clientSecret: '__PWRD__',
      }),
      await post('/ovh-credentials/request-token', {
        id: 'sig',
        endpoint: 'custom',
        url: sim.baseUrl,
        appKey: DEFAULT_APP.appKey,
        accessRules: [{ method: 'GET', path: '/me' }],
      }),
    ];
    const exported = JSON.stringify(helper._redNodes.getFlows());

    // Sanity: the run did what it says.
    captured
      .map((m) => m.topic)
      .sort()
      .should.eql(requests.map(([id]) => id).sort());
    captured.find((m) => m.topic === 'ok')!.payload.nichandle.should.equal('xx1234-ovh');
    captured.find((m) => m.topic === 'oauthOk')!.payload.nichandle.should.equal('xx1234-ovh');
    captured.find((m) => m.topic === 'oauthBad')!.error.message.should.match(/invalid_client/);
    sim.tokens.size.should.be.above(0);

    const secrets = [DEFAULT_APP.appSecret, consumerKey, DEFAULT_OAUTH.clientSecret, wrongSecret, ...sim.tokens.keys()];
    const haystacks: Record<string, string> = {
      msgs: inspect(captured, { depth: Infinity, showHidden: true }),
      statuses: inspect(statuses, { depth: Infinity }),
      logs: inspect(logLines(), { depth: Infinity }),
      admin: admin.join('\n'),
      exported,
    };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) text.includes(secret).should.be.false(`a secret appears in ${where}`);
    }
  });
});
