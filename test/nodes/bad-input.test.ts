/**
 * Bad input through the real runtime: each case is refused with a clear error at the Catch
 * node, and the simulator receives nothing.
 */
import 'should';
import { OvhSimulator } from '../simulator/simulator';
import { helper, load, receive, requestFlow, signatureCredentials, useRuntime, type Msg } from '../helpers/node-red';

const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;

interface Case {
  what: string;
  node?: Record<string, unknown>;
  account?: Record<string, unknown>;
  credentials?: Record<string, string>;
  msg: Msg;
  error: RegExp;
}

const cases: Case[] = [
  {
    what: 'an unknown method',
    node: { method: 'msg' },
    msg: { method: 'PATCH' },
    error: /Unknown method "PATCH": use one of GET, POST, PUT, DELETE/,
  },
  { what: 'a method that is not a string', node: { method: 'msg' }, msg: { method: 42 }, error: /Unknown method number 42/ },
  { what: 'no method at all', node: { method: 'msg' }, msg: {}, error: /No method: set msg.method/ },
  { what: 'no path', node: { path: '' }, msg: {}, error: /No path: set one in the node or in msg.path/ },
  {
    what: 'a path that is not a string',
    node: { path: '' },
    msg: { path: ['/me'] },
    error: /msg.path must be a string like \/me, not object/,
  },
  {
    what: 'an absolute URL as path',
    node: { path: '' },
    msg: { path: 'https://evil.example/1.0/me' },
    error: /must be an API path starting with a single "\/"/,
  },
  {
    what: 'a //host path',
    node: { path: '' },
    msg: { path: '//evil.example/me' },
    error: /must be an API path starting with a single "\/"/,
  },
  { what: 'a backslash', node: { path: '' }, msg: { path: '/me\\..\\admin' }, error: /holds a control character or a backslash/ },
  {
    what: 'CR/LF in the path',
    node: { path: '' },
    msg: { path: '/me HTTP/1.1\r\nX-Evil: 1' },
    error: /holds a control character/,
  },
  { what: 'a fragment', node: { path: '' }, msg: { path: '/me#top' }, error: /holds a fragment \(#\)/ },
  {
    what: '.. climbing out of the base',
    node: { path: '' },
    msg: { path: '/me/../../auth/credential' },
    error: /"\." or "\.\." segment/,
  },
  { what: 'an encoded .. segment', node: { path: '' }, msg: { path: '/me/%2E%2e/x' }, error: /"\." or "\.\." segment/ },
  {
    what: 'a placeholder without value',
    node: { path: '/domain/zone/{zoneName}' },
    msg: {},
    error: /\{zoneName\} has no value: set it in msg.params.zoneName/,
  },
  {
    what: 'a placeholder holding an object',
    node: { path: '/domain/zone/{zoneName}' },
    msg: { params: { zoneName: { name: 'x' } } },
    error: /must be a string or number, not an object/,
  },
  {
    what: 'a placeholder holding ..',
    node: { path: '/domain/zone/{zoneName}' },
    msg: { params: { zoneName: '..' } },
    error: /cannot be "\.\."/,
  },
  {
    what: 'params that are not an object',
    node: { path: '/domain/zone/{zoneName}' },
    msg: { params: 'example.com' },
    error: /msg.params must be an object/,
  },
  {
    what: 'a query that is a string',
    msg: { query: 'a=1&b=2' },
    error: /The query must be an object of names and values, not "a=1&b=2"/,
  },
  { what: 'a query that is a list', msg: { query: [['a', 1]] }, error: /The query must be an object/ },
  {
    what: 'a query holding a nested object',
    msg: { query: { filter: { a: 1 } } },
    error: /query value of "filter" must be a string, number, boolean or a list of them, not an object/,
  },
  { what: 'a query holding NaN', msg: { query: { n: NaN } }, error: /query value of "n" is not a finite number/ },
  {
    what: 'a circular payload',
    node: { method: 'POST', path: '/echo/x' },
    msg: { payload: circular },
    error: /The body cannot be written as JSON/,
  },
  {
    what: 'a BigInt payload',
    node: { method: 'POST', path: '/echo/x' },
    msg: { payload: { n: BigInt(10) } },
    error: /The body cannot be written as JSON/,
  },
  {
    what: 'a function payload',
    node: { method: 'PUT', path: '/echo/x' },
    msg: { payload: () => 1 },
    error: /The body cannot be written as JSON: it is a function/,
  },
  {
    what: 'a string payload that is not JSON',
    node: { method: 'POST', path: '/echo/x' },
    msg: { payload: 'hello' },
    error: /msg.payload is a string that is not JSON/,
  },
  {
    what: 'a header overriding X-Ovh-Signature',
    msg: { requestHeaders: { 'X-Ovh-Signature': '$1$0' } },
    error: /The header X-Ovh-Signature is set by the client/,
  },
  {
    what: 'a header overriding X-Ovh-Consumer',
    msg: { requestHeaders: { 'x-ovh-consumer': 'other' } },
    error: /x-ovh-consumer is set by the client/,
  },
  {
    what: 'a header overriding Authorization',
    msg: { requestHeaders: { Authorization: 'Bearer x' } },
    error: /Authorization is set by the client/,
  },
  { what: 'a header overriding Host', msg: { requestHeaders: { Host: 'evil.example' } }, error: /Host is set by the client/ },
  {
    what: 'a header overriding Content-Length',
    msg: { requestHeaders: { 'Content-Length': '0' } },
    error: /Content-Length is set by the client/,
  },
  {
    what: 'a header value with CR/LF',
    msg: { requestHeaders: { 'X-Note': 'a\r\nX-Ovh-Consumer: b' } },
    error: /The value of header X-Note holds a line break/,
  },
  {
    what: 'a header name with a space',
    msg: { requestHeaders: { 'X Note': 'a' } },
    error: /"X Note" is not a valid header name/,
  },
  { what: 'headers that are not an object', msg: { requestHeaders: 'X-A: 1' }, error: /The request headers must be an object/ },
  {
    what: 'missing credentials',
    credentials: {},
    msg: {},
    error: /Missing credentials: no application key, no application secret, no consumer key/,
  },
  {
    what: 'a missing consumer key',
    credentials: { appKey: 'k', appSecret: 's' },
    msg: {},
    error: /Missing credentials: no consumer key/,
  },
  {
    what: 'a custom URL that is not http(s)',
    account: { url: 'ftp://127.0.0.1/1.0' },
    msg: {},
    error: /The base URL must start with https:\/\/ or http:\/\/, not ftp:/,
  },
  { what: 'a custom URL that is not a URL', account: { url: 'not a url' }, msg: {}, error: /Unknown endpoint "not a url"/ },
  { what: 'an empty custom URL', account: { url: '' }, msg: {}, error: /No base URL: fill in the URL field/ },
  {
    what: 'the pages mode with POST',
    node: { method: 'POST', path: '/v2/iam/policy', mode: 'pages' },
    msg: {},
    error: /get-only/,
  },
];

describe('bad input through ovh-request', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));

  it(`has at least 30 cases (${cases.length})`, () => cases.length.should.be.aboveOrEqual(30));

  for (const c of cases) {
    it(`refuses ${c.what}, sending nothing`, async () => {
      const credentials = c.credentials ? { acc: c.credentials } : signatureCredentials(sim);
      await load(requestFlow(sim, { path: '/echo/x', ...c.node }, c.account), credentials);
      sim.resetCounters();
      const caught = receive('caught');
      helper.getNode('req').receive(c.msg);
      const msg = (await caught)[0];
      msg.error.message.should.match(c.error);
      await new Promise((r) => setTimeout(r, 20));
      sim.count().should.equal(0);
    });
  }
});
