/**
 * Property-based tests: for arbitrary unicode in path values, query names and values, and
 * bodies, the simulator receives exactly what was signed (it checks every signature) and
 * decodes exactly what was given.
 */
import 'should';
import fc from 'fast-check';
import { OvhClient } from '../../../nodes/client';
import { OvhSimulator } from '../../simulator/simulator';
import { clientFor, startSimulator } from '../../helpers';

interface Echo {
  url: string;
  path: string;
  search: string;
  body: string;
}

// Any string of Unicode scalar values (lone surrogates cannot be UTF-8 and are refused up front).
const text = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 24 });
const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }).filter((s) => s !== '.' && s !== '..');
const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null);

describe('what is sent is what is signed (property-based)', function () {
  this.timeout(60_000);
  let sim: OvhSimulator;
  let client: OvhClient;

  before(async () => {
    sim = await startSimulator();
    client = clientFor(sim);
  });
  after(async () => {
    await client.close();
    await sim.close();
  });

  it('path values: any text arrives as one decoded segment', async () => {
    await fc.assert(
      fc.asyncProperty(segment, segment, async (a, b) => {
        const echo = await client.get<Echo>('/echo/{a}/x/{b}', { params: { a, b } });
        const parts = echo.path.split('/');
        parts.length.should.equal(6); // "", "1.0", "echo", a, "x", b
        decodeURIComponent(parts[3]).should.equal(a);
        decodeURIComponent(parts[5]).should.equal(b);
      }),
      { numRuns: 150 },
    );
  });

  it('query names and values: any text arrives decoded as given', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          text.filter((k) => k !== ''),
          fc.oneof(text, fc.boolean(), fc.integer()),
          { maxKeys: 5 },
        ),
        async (query) => {
          const echo = await client.get<Echo>('/echo/q', { query });
          const received = new Map<string, string>();
          for (const pair of echo.search === '' ? [] : echo.search.split('&')) {
            const [k, v] = pair.split('=');
            received.set(decodeURIComponent(k), decodeURIComponent(v));
          }
          received.size.should.equal(Object.keys(query).length);
          for (const [k, v] of Object.entries(query)) received.get(k)!.should.equal(String(v));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('bodies: any JSON arrives as ASCII bytes that parse back to the same value', async () => {
    await fc.assert(
      fc.asyncProperty(json, async (body) => {
        const method = Math.random() < 0.5 ? 'POST' : 'PUT';
        const echo = (await client.request<Echo>(method, '/echo/b', { body })).body;
        /^[\x20-\x7e]*$/.test(echo.body).should.be.true();
        JSON.parse(echo.body).should.eql(body);
      }),
      { numRuns: 150 },
    );
  });

  it('the signed URL is the one the server saw, for arbitrary paths written in the node', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 3 }), async (segments) => {
        const raw = '/echo/' + segments.map((s) => s.replace(/[?#\\%{}\u0000-\u001f\u007f]/g, '_')).join('/');
        fc.pre(!raw.split('/').some((s) => s === '.' || s === '..'));
        const res = await client.request<Echo>('GET', raw);
        res.url.should.equal(res.body.url); // signed href === URL reconstructed by the server
      }),
      { numRuns: 100 },
    );
  });
});
