/**
 * "Log calls" on an account, in the runtime against the simulator: one line per call at info
 * level with what was called and how it went; with bodies, the bodies; and never a secret of the
 * account in any log line, not even when the body sent or the answer carries the keys.
 */
import should from 'should';
import { DEFAULT_APP, DEFAULT_OAUTH, type OvhSimulator } from '../simulator/simulator';
import { helper, load, logLines, receive, requestFlow, signatureCredentials, useRuntime } from '../helpers/node-red';

describe('ovh-credentials: Log calls', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));

  /** The account's log lines at info level (Node-RED's 40). */
  const calls = () => logLines().filter((l) => l.level === 40 && l.type === 'ovh-credentials');
  /** Every log line the runtime wrote, of any level and node. */
  const everything = () => logLines().map((l) => l.text);

  const until = async (what: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('says nothing when off (the default)', async () => {
    await load(requestFlow(sim, {}), signatureCredentials(sim));
    helper.getNode('req').receive({});
    await receive('out');
    calls().should.have.length(0);
  });

  it('writes one line per call: method, path as written, status, time, attempts, query id; no body', async () => {
    sim.injectFault({ kind: 'status', status: 503, path: '/1.0/domain/zone/' });
    await load(
      requestFlow(sim, { path: '/domain/zone/{zoneName}/record', method: 'GET' }, { logCalls: 'calls' }),
      signatureCredentials(sim),
    );
    helper.getNode('req').receive({ params: { zoneName: 'example.com' } });
    const [out] = await receive('out');
    await until(() => calls().some((l) => l.text.startsWith('GET /domain/zone/{zoneName}/record')));
    const line = calls().find((l) => l.text.startsWith('GET /domain/zone/{zoneName}/record'))!.text;
    line.should.equal(
      `GET /domain/zone/{zoneName}/record 200 in ${out.ovh.durationMs} ms, 2 attempts, query id ${out.ovh.queryId}`,
    );
    // The client's own calls are lines too: the server time, the key's validity.
    calls()
      .some((l) => /^GET \/auth\/time 200 in \d+ ms, 1 attempt, query id /.test(l.text))
      .should.be.true();
    calls()
      .some((l) => / sent: | answered: /.test(l.text))
      .should.be.false();
  });

  it('writes a failed call with its status and code', async () => {
    await load(requestFlow(sim, { path: '/nowhere' }, { logCalls: 'calls' }), signatureCredentials(sim));
    helper.getNode('req').receive({});
    await receive('caught');
    await until(() => calls().some((l) => l.text.startsWith('GET /nowhere')));
    calls()
      .find((l) => l.text.startsWith('GET /nowhere'))!
      .text.should.match(/^GET \/nowhere 404 Client::NotFound in \d+ ms, 1 attempt, query id EU\.ext-3\.[\w.]+$/);
  });

  it('with bodies, writes what was sent and answered, on one line, the keys masked wherever they are', async () => {
    const consumerKey = sim.addConsumerKey();
    await load(
      requestFlow(sim, { method: 'POST', path: '/echo/keys' }, { logCalls: 'bodies' }),
      signatureCredentials(sim, consumerKey),
    );
    // A body that carries the keys, with a line break and an escape sequence.
    const payload = { note: 'line one\nline two \u001b[31m', consumerKey, appSecret: DEFAULT_APP.appSecret };
    helper.getNode('req').receive({ payload });
    await receive('out');
    await until(() => calls().some((l) => l.text.startsWith('POST /echo/keys')));
    const line = calls().find((l) => l.text.startsWith('POST /echo/keys'))!.text;
    line.should.match(/^POST \/echo\/keys 200 in \d+ ms, 1 attempt, query id [\w.-]+ sent: \{.*\} answered: \{.*\}$/);
    line.should.containEql('"consumerKey":"[secret]"');
    line.should.containEql('line one\\\\nline two \\\\u001b[31m');
    line.should.not.containEql('\n');
    line.should.not.containEql('\u001b');
    // The echo answers the request's headers: the consumer key and the signature are masked there too.
    const signature = sim.received({ path: '/1.0/echo/keys' })[0].headers['x-ovh-signature'] as string;
    line.should.containEql('"x-ovh-signature":"[secret]"');
    for (const secret of [consumerKey, DEFAULT_APP.appSecret, signature]) {
      everything()
        .some((text) => text.includes(secret))
        .should.be.false(`a log line holds ${secret}`);
    }
  });

  it('with bodies, never writes an OAuth2 client secret or token: the token request masked, its answer not shown', async () => {
    await load(
      requestFlow(
        sim,
        { method: 'POST', path: '/echo/token' },
        { authType: 'oauth2', tokenUrl: sim.tokenUrl, logCalls: 'bodies' },
      ),
      {
        acc: { clientId: DEFAULT_OAUTH.clientId, clientSecret: DEFAULT_OAUTH.clientSecret },
      },
    );
    helper.getNode('req').receive({ payload: { secret: DEFAULT_OAUTH.clientSecret } });
    await receive('out');
    await until(() => calls().some((l) => l.text.startsWith('POST /echo/token')));
    const tokenLine = calls().find((l) => l.text.startsWith('POST /auth/oauth2/token'))!.text;
    tokenLine.should.match(
      / sent: grant_type=client_credentials&client_id=sim-service-account-1&client_secret=\[secret\]&scope=all answered: \[secret\]$/,
    );
    const token = (sim.received({ path: '/1.0/echo/token' })[0].headers.authorization as string).slice('Bearer '.length);
    calls()
      .find((l) => l.text.startsWith('POST /echo/token'))!
      .text.should.containEql('"authorization":"Bearer [secret]"');
    for (const secret of [DEFAULT_OAUTH.clientSecret, token]) {
      everything()
        .some((text) => text.includes(secret))
        .should.be.false(`a log line holds ${secret}`);
    }
    should(calls().length).be.aboveOrEqual(2);
  });
});
