/**
 * Secrets never leave: a full run (answers, API errors, network errors, bad input, both auth
 * types, the admin endpoints, an export) is captured whole and searched for every secret.
 */
import 'should';
import { inspect } from 'node:util';
import { DEFAULT_APP, DEFAULT_OAUTH, OvhSimulator } from '../simulator/simulator';
import { helper, logLines, ourNodes, receive, useRuntime, type Msg, adminPost } from '../helpers/node-red';
import { startEchoApi, type EchoApi } from '../helpers/echo-api';

/** Every status the given nodes show from now on. */
function captureStatuses(ids: string[]): unknown[] {
  const statuses: unknown[] = [];
  for (const id of ids) {
    const node = helper.getNode(id);
    const original = node.status.bind(node);
    node.status = (s: unknown) => {
      statuses.push(s);
      original(s);
    };
  }
  return statuses;
}

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

    const statuses = captureStatuses(requests.map(([id]) => id));
    const msgs = receive('sink', requests.length, 15_000);
    for (const [id] of requests) helper.getNode(id).receive({ topic: id });
    const captured: Msg[] = await msgs;
    await new Promise((r) => setTimeout(r, 400)); // the last status updates

    const post = async (path: string, body: Record<string, unknown>) => (await adminPost(path, body)).text;
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

  describe('quoted back by a server', () => {
    let echo: EchoApi;
    before(async () => {
      echo = await startEchoApi();
    });
    after(() => echo.close());

    it('appear in no msg at Catch or on the second output, status or log line', async () => {
      const appSecret = 'echo-app-secret-0123456789abcdef01';
      const consumerKey = 'echo-consumer-key-0123456789abcdef';
      const clientSecret = 'echo-client+secret/0123456789=abc&';
      const at = { z: 'flow', x: 100, y: 100 };
      const account = (id: string, extra: Record<string, unknown>) => ({
        id,
        type: 'ovh-credentials',
        endpoint: 'custom',
        url: echo.baseUrl,
        credentialsFrom: 'node',
        ...extra,
      });
      // [node id, account, path]: the "caught" ones go to Catch (or their second output), the
      // others to no one: Node-RED logs their errors.
      const requests: Array<[string, string, string, Record<string, unknown>?]> = [
        ['caughtEcho', 'sig', '/echo'],
        ['caughtHeaders', 'sig', '/echo-headers'],
        ['caughtText', 'sig', '/echo-text'],
        ['caughtToken', 'refused', '/me'],
        ['caughtBearer', 'oauth', '/unauth'],
        ['secondOutput', 'sig', '/echo', { errorOutput: true }],
        ['secondOutputBearer', 'oauth', '/unauth', { errorOutput: true }],
        ['loggedEcho', 'sig', '/echo'],
        ['loggedToken', 'refused', '/me'],
        ['loggedBearer', 'oauth', '/unauth'],
      ];
      const caught = requests.map(([id]) => id).filter((id) => id.startsWith('caught'));
      const logged = requests.map(([id]) => id).filter((id) => id.startsWith('logged'));
      const flow: Array<Record<string, unknown>> = [
        { id: 'flow', type: 'tab', label: 'echo' },
        account('sig', { authType: 'signature' }),
        account('oauth', { authType: 'oauth2', tokenUrl: echo.tokenUrl }),
        account('refused', { authType: 'oauth2', tokenUrl: echo.refusingTokenUrl }),
        { id: 'catch', ...at, type: 'catch', scope: caught, uncaught: false, wires: [['sink']] },
        { id: 'sink', ...at, type: 'helper' },
        ...requests.map(([id, acc, path, props]) => ({
          id,
          ...at,
          type: 'ovh-request',
          account: acc,
          method: 'GET',
          path,
          wires: props?.errorOutput ? [['sink'], ['sink']] : [['sink']],
          ...props,
        })),
      ];
      await helper.load(ourNodes, flow, {
        sig: { appKey: 'echo-app-key-visible', appSecret, consumerKey },
        oauth: { clientId: 'echo-client-id-visible', clientSecret },
        refused: { clientId: 'echo-client-id-visible', clientSecret },
      });
      const statuses = captureStatuses(requests.map(([id]) => id));
      const logsBefore = logLines().length;
      const msgs = receive('sink', caught.length + 2, 15_000);
      for (const [id] of requests) helper.getNode(id).receive({ topic: id, payload: { note: 'hello' } });
      const captured: Msg[] = await msgs;
      const newLogs = () => logLines().slice(logsBefore);
      const errorsLogged = () => newLogs().filter((l) => l.level === 20 && l.type === 'ovh-request');
      for (let waited = 0; errorsLogged().length < logged.length && waited < 10_000; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 400)); // the last status updates

      // Sanity: every call failed.
      captured
        .map((m) => m.topic)
        .sort()
        .should.eql([...caught, 'secondOutput', 'secondOutputBearer'].sort());
      errorsLogged().length.should.equal(logged.length);
      echo.tokens.length.should.be.above(0);
      const secrets = [
        appSecret,
        consumerKey,
        clientSecret,
        encodeURIComponent(clientSecret),
        ...echo.tokens,
        ...echo.received.filter((value) => value.startsWith('$1$')),
      ];
      const haystacks: Record<string, string> = {
        msgs: inspect(captured, { depth: Infinity, showHidden: true }),
        statuses: inspect(statuses, { depth: Infinity }),
        logs: inspect(newLogs(), { depth: Infinity }),
      };
      for (const [where, text] of Object.entries(haystacks)) {
        for (const secret of secrets) text.includes(secret).should.be.false(`${secret} appears in ${where}: ${text}`);
      }
      // The server did quote them: masked where they stood.
      for (const msg of captured) msg.error.message.should.match(/\[secret\]/);
      captured.find((m) => m.topic === 'caughtEcho')!.payload.message.should.match(/"x-ovh-consumer":"\[secret\]"/);
      captured.find((m) => m.topic === 'secondOutput')!.error.details.request.headers['x-ovh-consumer'].should.equal('[secret]');
      captured.find((m) => m.topic === 'caughtHeaders')!.ovh.queryId.should.equal('[secret]');
      for (const line of errorsLogged()) line.text.should.match(/\[secret\]/);
    });
  });
});
