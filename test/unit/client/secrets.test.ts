/**
 * Secrets a server quotes back never leave the client: every error built from an answer that
 * echoes the request's headers, its body, the token request's form or the Authorization header
 * has the application secret, the consumer key, the client secret, the bearer token and the
 * signature masked, in its message, stack, body, details, headers and query id.
 */
import should from 'should';
import { inspect } from 'node:util';
import { OvhApiError, OvhClient, SECRET_MASK, Secrets } from '../../../nodes/client';
import { startEchoApi, type EchoApi } from '../../helpers/echo-api';
import { rejection } from '../../helpers';

const APP_SECRET = 'app-secret-0123456789abcdef0123456';
const CONSUMER_KEY = 'consumer-key-0123456789abcdef0123';
const CLIENT_SECRET = 'client+secret/0123456789=abcdef&01';

/** Everything an error holds, as text: own and hidden properties, at any depth, and its stack. */
function everything(err: Error): string {
  return inspect(err, { depth: Infinity, showHidden: true }) + '\n' + String(err.stack) + '\n' + JSON.stringify(err);
}

describe('secrets quoted back by a server', function () {
  this.timeout(20_000);
  let api: EchoApi;
  const clients: OvhClient[] = [];
  const signed = () => {
    const client = new OvhClient({
      endpoint: api.baseUrl,
      appKey: 'app-key-visible',
      appSecret: APP_SECRET,
      consumerKey: CONSUMER_KEY,
      timeoutMs: 5_000,
      retry: { maxAttempts: 1 },
    });
    clients.push(client);
    return client;
  };
  const oauth2 = (tokenUrl: string) => {
    const client = new OvhClient({
      endpoint: api.baseUrl,
      tokenUrl,
      clientId: 'client-id-visible',
      clientSecret: CLIENT_SECRET,
      timeoutMs: 5_000,
      retry: { maxAttempts: 1 },
    });
    clients.push(client);
    return client;
  };
  /** Every secret sent so far: the credentials, the tokens given, the signatures sent. */
  const secrets = () => [
    APP_SECRET,
    CONSUMER_KEY,
    CLIENT_SECRET,
    ...api.tokens,
    ...api.received.filter((v) => v.startsWith('$1$')),
  ];
  const shouldHoldNoSecret = (err: Error) => {
    const text = everything(err);
    for (const secret of secrets()) text.includes(secret).should.be.false(`${secret} appears in ${text}`);
    // The forms the server quoted them in too.
    text.should.not.match(/client%2Bsecret|client\+secret%2F/);
  };

  before(async () => {
    api = await startEchoApi();
  });
  after(() => api.close());
  afterEach(async () => {
    api.tokens.length = 0;
    api.received.length = 0;
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('masks the consumer key and signature an API error quotes in its message, details and body', async () => {
    const err = await rejection(signed().post('/echo', { note: 'hello' }));
    err.should.be.instanceOf(OvhApiError);
    shouldHoldNoSecret(err);
    // The server did quote them, and what is not a secret stays.
    err.message.should.match(/"x-ovh-consumer":"\[secret\]"/);
    err.message.should.match(/"x-ovh-signature":"\[secret\]"/);
    err.message.should.match(/app-key-visible/);
    err.message.should.match(/body \{"note":"hello"\}/);
    const details = err.details as { request: Record<string, unknown> };
    details.request.should.have.property(SECRET_MASK, 'as a key');
    (details.request.headers as Record<string, string>)['x-ovh-consumer'].should.equal(SECRET_MASK);
    should((err.body as { details: unknown }).details).eql(details);
    err.should.have.properties({ code: 'INVALID_REQUEST', errorClass: 'Client::BadRequest', statusCode: 400 });
  });

  it('masks the secrets an answer quotes in its headers and query id', async () => {
    const err = await rejection(signed().get('/echo-headers'));
    shouldHoldNoSecret(err);
    err.should.have.properties({ queryId: SECRET_MASK });
    (err.headers as Record<string, string>)['x-echo-signature'].should.equal(SECRET_MASK);
    err.message.should.endWith('(query id [secret])');
  });

  it('masks them in an answer that is not JSON', async () => {
    const err = await rejection(signed().get('/echo-text'));
    shouldHoldNoSecret(err);
    (err.body as string).should.match(/"x-ovh-consumer":"\[secret\]"/);
  });

  it('masks the client secret a refusing token URL quotes from the posted form', async () => {
    const err = await rejection(oauth2(api.refusingTokenUrl).get('/me'));
    err.should.be.instanceOf(OvhApiError);
    err.should.have.properties({ code: 'invalid_client', statusCode: 401 });
    shouldHoldNoSecret(err);
    // The form-encoded secret, masked where it stood.
    err.message.should.match(/client_id=client-id-visible&client_secret=\[secret\]&scope=all/);
  });

  it('masks the bearer token a 401 quotes, the renewed one too', async () => {
    const err = await rejection(oauth2(api.tokenUrl).get('/unauth'));
    // A refused token is renewed once: both were sent, the last one was quoted.
    api.tokens.length.should.equal(2);
    shouldHoldNoSecret(err);
    err.message.should.match(/auth header was Bearer \[secret\]/);
  });

  it('masks a bearer token quoted in the answer headers and query id', async () => {
    const err = await rejection(oauth2(api.tokenUrl).get('/echo-headers'));
    api.tokens.length.should.equal(1);
    shouldHoldNoSecret(err);
    err.should.have.properties({ queryId: 'Bearer ' + SECRET_MASK });
  });

  it('leaves short values and ordinary text alone, and copies nothing it need not', () => {
    const secrets = Secrets.of(['short', undefined, 'a-long-enough-secret']);
    secrets.text('a short text').should.equal('a short text');
    secrets.text('x a-long-enough-secret y').should.equal('x [secret] y');
    secrets.value({ list: [1, 'a-long-enough-secret'], n: null }).should.eql({ list: [1, SECRET_MASK], n: null });
    const answer = { a: 1 };
    Secrets.of(['short']).value(answer).should.equal(answer);
    // A `__proto__` key stays a plain key of the copy.
    const copy = secrets.value(JSON.parse('{"__proto__":{"polluted":"a-long-enough-secret"}}')) as Record<string, unknown>;
    Object.getPrototypeOf(copy).should.equal(Object.prototype);
    Object.keys(copy).should.eql(['__proto__']);
  });
});
