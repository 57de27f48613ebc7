import fs from 'node:fs';
import should from 'should';
import { ApiBase, buildUrl, encodeBody, signRequest } from '../../../nodes/client';
import { fixtureFile } from '../../helpers';

interface Vector {
  name: string;
  app_secret: string;
  consumer_key: string;
  method: string;
  url: string;
  body: string;
  timestamp: number;
  signature: string;
  to_sign: string;
}

const vectors: Vector[] = JSON.parse(fs.readFileSync(fixtureFile('ovh-signature-vectors.json'), 'utf8')).vectors;

describe('signRequest', () => {
  it('has the 29 shared vectors to check', () => {
    vectors.length.should.equal(29);
  });

  for (const v of vectors) {
    it(`matches vector ${v.name}`, () => {
      signRequest(v.app_secret, v.consumer_key, v.method, v.url, v.body, v.timestamp).should.equal(v.signature);
    });
  }

  it('changes with every signed part', () => {
    const base = ['s', 'c', 'GET', 'https://eu.api.ovh.com/1.0/me', '', 1] as const;
    const reference = signRequest(...base);
    for (let i = 0; i < base.length; i++) {
      const changed = [...base] as unknown as Parameters<typeof signRequest>;
      (changed as unknown[])[i] = i === 5 ? 2 : base[i] + 'x';
      signRequest(...changed).should.not.equal(reference, `part ${i}`);
    }
  });
});

describe('the request builder reproduces the vectors byte for byte', () => {
  const byName = new Map(vectors.map((v) => [v.name, v]));
  const cases: Array<{
    vector: string;
    endpoint: string;
    path: string;
    params?: Record<string, unknown>;
    query?: unknown;
    body?: unknown;
  }> = [
    { vector: 'own_get_no_body', endpoint: 'ovh-eu', path: '/me' },
    {
      vector: 'own_get_query_node_querystring',
      endpoint: 'ovh-eu',
      path: '/domain/zone/{zone}/record',
      params: { zone: 'example.com' },
      query: { subDomain: 'a b+c&d', fieldType: 'TXT', city: 'Zürich ✓', flag: true, empty: null },
    },
    {
      vector: 'own_post_unicode_escaped_node',
      endpoint: 'ovh-eu',
      path: '/sms/{serviceName}/jobs',
      params: { serviceName: 'sms-ab12345-1' },
      body: { message: 'tèsté ✓ 😀 "q" / </x>', receivers: ['+33601020304'], senderForResponse: true, n: 1.5 },
    },
    {
      vector: 'own_put_json',
      endpoint: 'ovh-eu',
      path: '/domain/zone/example.com/record/{id}',
      params: { id: 1234567 },
      body: { target: '203.0.113.7', ttl: 3600 },
    },
    { vector: 'own_get_v2_path', endpoint: 'ovh-eu', path: '/v2/iam/policy' },
    { vector: 'own_get_ovh_us', endpoint: 'ovh-us', path: '/me' },
    { vector: 'own_get_percent_encoded_path', endpoint: 'ovh-eu', path: '/ip/{ip}', params: { ip: '192.0.2.0/24' } },
    { vector: 'own_get_array_param_node', endpoint: 'ovh-eu', path: '/me/bill?date.from=2024-01-01', query: { ids: [1, 2] } },
    { vector: 'own_b_get_ca_v1', endpoint: 'ovh-ca', path: '/v1/me' },
    {
      vector: 'own_b_delete_with_query',
      endpoint: 'ovh-eu',
      path: '/cloud/project/abc123/storage/bucket1',
      query: { force: true },
    },
    { vector: 'own_b_put_kimsufi', endpoint: 'kimsufi-eu', path: '/me', body: { city: 'Roubaix Valley' } },
    { vector: 'published_version_v1', endpoint: 'https://eu.api.ovh.com/1.0', path: '/v1/call' },
    { vector: 'published_version_v2', endpoint: 'https://eu.api.ovh.com/1.0', path: '/v2/call' },
  ];
  for (const c of cases) {
    it(`builds ${c.vector}`, () => {
      const v = byName.get(c.vector);
      should.exist(v);
      const url = buildUrl(new ApiBase(c.endpoint), c.path, c.params, c.query);
      url.href.should.equal(v!.url);
      (encodeBody(c.body) ?? '').should.equal(
        v!.body.replace(/[\u0080-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0')),
      );
      signRequest(v!.app_secret, v!.consumer_key, v!.method, url.href, encodeBody(c.body) ?? '', v!.timestamp).should.equal(
        v!.signature,
      );
    });
  }
});
