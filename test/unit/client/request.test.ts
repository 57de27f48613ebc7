import vm from 'node:vm';
import should from 'should';
import {
  ApiBase,
  ENDPOINTS,
  OvhInputError,
  buildUrl,
  checkHeaders,
  encodeBody,
  encodeQuery,
  isPlainObject,
  normalizeMethod,
} from '../../../nodes/client';

const eu = new ApiBase('ovh-eu');

function refused(fn: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  should.exist(error, 'expected an OvhInputError');
  (error as Error).should.be.instanceOf(OvhInputError);
  (error as Error).message.should.match(pattern);
}

describe('endpoints', () => {
  it('knows the seven regions, and the new OVHcloud hosts of Europe and Canada', () => {
    const expected: Record<string, string> = {
      'ovh-eu': 'https://eu.api.ovh.com/1.0',
      'ovh-ca': 'https://ca.api.ovh.com/1.0',
      'ovh-us': 'https://api.us.ovhcloud.com/1.0',
      'ovhcloud-eu': 'https://api.eu.ovhcloud.com/1.0',
      'ovhcloud-ca': 'https://api.ca.ovhcloud.com/1.0',
      'kimsufi-eu': 'https://eu.api.kimsufi.com/1.0',
      'kimsufi-ca': 'https://ca.api.kimsufi.com/1.0',
      'soyoustart-eu': 'https://eu.api.soyoustart.com/1.0',
      'soyoustart-ca': 'https://ca.api.soyoustart.com/1.0',
    };
    for (const [name, url] of Object.entries(expected)) new ApiBase(name).baseUrl.should.equal(url);
    should(new ApiBase('ovh-eu').tokenUrl).equal('https://www.ovh.com/auth/oauth2/token');
    should(new ApiBase('kimsufi-eu').tokenUrl).be.undefined();
  });

  it("keeps the hosts a flow was saved with: ovh-eu and ovh-ca are today's, the new hosts have names of their own", () => {
    // Saved flows name ovh-eu and ovh-ca: their calls, signatures and tokens go where they went.
    new ApiBase('ovh-eu').tokenUrl!.should.equal('https://www.ovh.com/auth/oauth2/token');
    new ApiBase('ovh-ca').tokenUrl!.should.equal('https://ca.ovh.com/auth/oauth2/token');
    ENDPOINTS['ovh-eu'].createAppUrl.should.equal('https://eu.api.ovh.com/createApp/');
    // The new hosts, as the official clients' migration writes them.
    const eu = new ApiBase('ovhcloud-eu');
    eu.tokenUrl!.should.equal('https://auth.eu.ovhcloud.com/oauth2/token');
    buildUrl(eu, '/v2/iam/policy').href.should.equal('https://api.eu.ovhcloud.com/v2/iam/policy');
    buildUrl(eu, '/me').href.should.equal('https://api.eu.ovhcloud.com/1.0/me');
    const ca = new ApiBase('ovhcloud-ca');
    ca.tokenUrl!.should.equal('https://auth.ca.ovhcloud.com/oauth2/token');
    buildUrl(ca, '/me').href.should.equal('https://api.ca.ovhcloud.com/1.0/me');
    ENDPOINTS['ovhcloud-eu'].createAppUrl.should.equal('https://auth.eu.ovhcloud.com/api/createApp');
    ENDPOINTS['ovhcloud-ca'].createAppUrl.should.equal('https://auth.ca.ovhcloud.com/api/createApp');
  });

  it('places /v1 and /v2 paths instead of the /1.0 of the base, also on custom URLs', () => {
    buildUrl(eu, '/v2/iam/policy').href.should.equal('https://eu.api.ovh.com/v2/iam/policy');
    buildUrl(eu, '/v1/me').href.should.equal('https://eu.api.ovh.com/v1/me');
    buildUrl(eu, '/v2').href.should.equal('https://eu.api.ovh.com/v2');
    buildUrl(eu, '/v2?x=1').href.should.equal('https://eu.api.ovh.com/v2?x=1');
    buildUrl(eu, '/v20/x').href.should.equal('https://eu.api.ovh.com/1.0/v20/x');
    const custom = new ApiBase('http://127.0.0.1:8080/prefix/1.0/');
    buildUrl(custom, '/me').href.should.equal('http://127.0.0.1:8080/prefix/1.0/me');
    buildUrl(custom, '/v2/iam/policy').href.should.equal('http://127.0.0.1:8080/prefix/v2/iam/policy');
    const bare = new ApiBase('https://api.example.net/ovh');
    buildUrl(bare, '/me').href.should.equal('https://api.example.net/ovh/me');
  });

  it('signs the normalised URL: default port dropped, host lower-cased', () => {
    buildUrl(new ApiBase('https://EU.API.OVH.COM:443/1.0'), '/me').href.should.equal('https://eu.api.ovh.com/1.0/me');
  });

  it('refuses base URLs that are not http(s) or carry credentials, a query or a fragment', () => {
    refused(() => new ApiBase('ftp://example.com/1.0'), /must start with https:\/\/ or http:\/\//);
    refused(() => new ApiBase('ovh-mars'), /Unknown endpoint "ovh-mars"/);
    refused(() => new ApiBase(''), /empty/);
    refused(() => new ApiBase('https://user:pw@example.com/1.0'), /user name or password/);
    refused(() => new ApiBase('https://example.com/1.0?x=1'), /query or a fragment/);
    refused(() => new ApiBase('javascript:alert(1)'), /must start with https/);
  });

  it('refuses a base URL or token URL holding a bare "?" or "#", which WHATWG reads as empty', () => {
    for (const url of ['https://host/api?', 'https://host/api#', 'https://host/api/?#', 'https://host/a#b?c']) {
      refused(() => new ApiBase(url), /must not hold a query or a fragment \("\?" or "#"\)/);
    }
    refused(() => new ApiBase('https://host/1.0', 'https://host/token?'), /token URL must not hold a query/);
  });

  it('takes a path copied from the API console with its /1.0 prefix as the /1.0 branch', () => {
    buildUrl(eu, '/1.0/me').href.should.equal('https://eu.api.ovh.com/1.0/me');
    buildUrl(eu, '/1.0').href.should.equal('https://eu.api.ovh.com/1.0');
    buildUrl(eu, '/1.0?x=1').href.should.equal('https://eu.api.ovh.com/1.0?x=1');
    buildUrl(eu, '/1.00/x').href.should.equal('https://eu.api.ovh.com/1.0/1.00/x');
    const custom = new ApiBase('http://127.0.0.1:8080/prefix/v1');
    buildUrl(custom, '/1.0/me').href.should.equal('http://127.0.0.1:8080/prefix/1.0/me');
  });
});

describe('buildUrl', () => {
  it('encodes each placeholder value as one segment', () => {
    buildUrl(eu, '/ip/{ip}', { ip: '192.0.2.0/24' }).pathname.should.equal('/1.0/ip/192.0.2.0%2F24');
    buildUrl(eu, '/domain/zone/{zone}/record/{id}', { zone: 'exämple.com', id: 42 }).pathname.should.equal(
      '/1.0/domain/zone/ex%C3%A4mple.com/record/42',
    );
    buildUrl(eu, '/x/{v}', { v: 'a?b#c d' }).pathname.should.equal('/1.0/x/a%3Fb%23c%20d');
    buildUrl(eu, '/x/{ v }', { v: 'spaced' }).pathname.should.equal('/1.0/x/spaced');
  });

  it('writes queries as the official Node.js client: %20, true/false, nulls dropped, arrays repeated', () => {
    encodeQuery({ a: 'x y+z&', b: true, c: false, d: null, e: undefined, f: [1, 'two', null], g: 0, h: '' }).should.equal(
      'a=x%20y%2Bz%26&b=true&c=false&f=1&f=two&g=0&h=',
    );
    encodeQuery({ clé: 'ünï 😀' }).should.equal('cl%C3%A9=%C3%BCn%C3%AF%20%F0%9F%98%80');
  });

  it('merges the query object with a query already in the path', () => {
    buildUrl(eu, '/me/bill?date.from=2024-01-01', undefined, { ids: [1, 2] }).search.should.equal(
      '?date.from=2024-01-01&ids=1&ids=2',
    );
  });

  it("keeps WHATWG's own rewriting in the URL it returns, so what is signed is what is sent", () => {
    buildUrl(eu, "/x?name=it's").href.should.equal('https://eu.api.ovh.com/1.0/x?name=it%27s');
    buildUrl(eu, '/x y').href.should.equal('https://eu.api.ovh.com/1.0/x%20y');
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['a non-string path', () => buildUrl(eu, 42), /must be a string/],
    ['an empty path', () => buildUrl(eu, ''), /empty/],
    ['an absolute URL', () => buildUrl(eu, 'https://evil.example/me'), /starting with a single "\/", like \/me, not a URL/],
    ['a protocol-relative URL', () => buildUrl(eu, '//evil.example/me'), /starting with a single "\/", like \/me, not a URL/],
    ['a relative path', () => buildUrl(eu, 'me'), /^The path "me" must be an API path starting with a single "\/", like \/me$/],
    ['a backslash', () => buildUrl(eu, '/me\\..\\x'), /backslash/],
    ['CR/LF', () => buildUrl(eu, '/me\r\nX-Injected: 1'), /control character/],
    ['a NUL', () => buildUrl(eu, '/me\u0000'), /control character/],
    ['a fragment', () => buildUrl(eu, '/me#x'), /fragment/],
    ['a .. segment', () => buildUrl(eu, '/me/../../admin'), /"\." or "\.\." segment/],
    ['an encoded .. segment', () => buildUrl(eu, '/me/%2e%2E/x'), /segment/],
    ['a . segment', () => buildUrl(eu, '/./me'), /segment/],
    ['a placeholder without value', () => buildUrl(eu, '/domain/{name}'), /\{name\} has no value: set it in msg.params.name/],
    ['a placeholder with null', () => buildUrl(eu, '/domain/{name}', { name: null }), /has no value/],
    [
      'a placeholder holding an object',
      () => buildUrl(eu, '/domain/{name}', { name: { a: 1 } }),
      /must be a string or number, not an object/,
    ],
    ['a placeholder holding a list', () => buildUrl(eu, '/domain/{name}', { name: ['a'] }), /not a list/],
    ['an empty placeholder value', () => buildUrl(eu, '/domain/{name}', { name: '' }), /is empty/],
    ['a placeholder value ..', () => buildUrl(eu, '/domain/{name}', { name: '..' }), /cannot be "\.\."/],
    ['a NaN placeholder', () => buildUrl(eu, '/x/{n}', { n: NaN }), /finite/],
    ['an empty placeholder', () => buildUrl(eu, '/x/{}'), /empty placeholder/],
    ['an unbalanced brace', () => buildUrl(eu, '/x/{name'), /unbalanced/],
    ['a query that is a string', () => buildUrl(eu, '/me', undefined, 'a=1'), /query must be an object/],
    ['a query that is a list', () => buildUrl(eu, '/me', undefined, [1]), /query must be an object/],
    ['a query holding an object', () => buildUrl(eu, '/me', undefined, { a: { b: 1 } }), /query value of "a" must be/],
    ['a query holding a nested list', () => buildUrl(eu, '/me', undefined, { a: [[1]] }), /query value of "a"/],
    ['a query holding Infinity', () => buildUrl(eu, '/me', undefined, { a: Infinity }), /finite/],
    ['a query holding a lone surrogate', () => buildUrl(eu, '/me', undefined, { a: '\ud800' }), /surrogate/],
    ['a query that is a Map', () => buildUrl(eu, '/me', undefined, new Map()), /query must be an object/],
  ];
  for (const [what, fn, message] of bad) {
    it(`refuses ${what}`, () => refused(fn, message));
  }
});

describe('encodeBody', () => {
  it('writes compact JSON with non-ASCII escaped as \\uXXXX (surrogate pairs for astral characters)', () => {
    encodeBody({ m: 'é✓😀', n: 1.0, x: null })!.should.equal('{"m":"\\u00e9\\u2713\\ud83d\\ude00","n":1,"x":null}');
  });
  it('sends no body for undefined and null', () => {
    should(encodeBody(undefined)).be.undefined();
    should(encodeBody(null)).be.undefined();
  });
  it('sends a string, a number or false as JSON values', () => {
    encodeBody('text')!.should.equal('"text"');
    encodeBody(0)!.should.equal('0');
    encodeBody(false)!.should.equal('false');
    encodeBody({})!.should.equal('{}');
  });
  it('refuses what cannot be JSON', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    refused(() => encodeBody(circular), /cannot be written as JSON/);
    refused(() => encodeBody({ n: BigInt(1) }), /cannot be written as JSON/);
    refused(() => encodeBody(() => 1), /a function/);
    refused(() => encodeBody(Symbol('s')), /cannot be written as JSON/);
  });
});

describe('isPlainObject', () => {
  it('accepts objects of any realm, as a Function node makes them', () => {
    const other = vm.runInNewContext(
      '({ literal: { zoneName: "example.com" }, parsed: JSON.parse(\'{"a":1}\'), bare: Object.create(null) })',
    );
    isPlainObject(other.literal).should.be.true();
    isPlainObject(other.parsed).should.be.true();
    isPlainObject(other.bare).should.be.true();
    isPlainObject({}).should.be.true();
    encodeQuery(other.literal).should.equal('zoneName=example.com');
    checkHeaders(vm.runInNewContext('({ "X-Pagination-Size": 10 })')).should.eql({ 'x-pagination-size': '10' });
  });

  it('refuses lists, dates, buffers, maps and class instances, from any realm', () => {
    const other = vm.runInNewContext('({ list: [1], date: new Date(0), map: new Map(), instance: new (class A {})() })');
    for (const value of [other.list, other.date, other.map, other.instance, [1], new Date(0), Buffer.from('x'), new Map()]) {
      isPlainObject(value).should.be.false();
    }
    class Point {
      x = 1;
    }
    isPlainObject(new Point()).should.be.false();
    refused(() => encodeQuery(other.date), /not a date/);
  });
});

describe('checkHeaders and methods', () => {
  it('accepts extra headers and lower-cases their names', () => {
    checkHeaders({ 'X-Pagination-Size': 50, 'Accept-Language': 'fr' }).should.eql({
      'x-pagination-size': '50',
      'accept-language': 'fr',
    });
  });
  const reserved = [
    'X-Ovh-Signature',
    'x-ovh-consumer',
    'X-OVH-Application',
    'Authorization',
    'Host',
    'Content-Length',
    'content-type',
    'Transfer-Encoding',
  ];
  for (const name of reserved) {
    it(`refuses to let a caller set ${name}`, () => refused(() => checkHeaders({ [name]: 'x' }), /set by the client/));
  }
  it('refuses header values with line breaks and bad names', () => {
    refused(() => checkHeaders({ 'X-A': 'a\r\nX-Ovh-Consumer: b' }), /line break/);
    refused(() => checkHeaders({ 'X A': 'a' }), /not a valid header name/);
    refused(() => checkHeaders({ 'X-A': { a: 1 } }), /must be a string/);
    refused(() => checkHeaders('X-A: 1'), /must be an object/);
  });
  it('accepts the four methods in any case and refuses the others', () => {
    normalizeMethod('get').should.equal('GET');
    normalizeMethod(' Delete ').should.equal('DELETE');
    refused(() => normalizeMethod('PATCH'), /Unknown method "PATCH": use one of GET, POST, PUT, DELETE/);
    refused(() => normalizeMethod(undefined), /Unknown method undefined/);
  });
});
