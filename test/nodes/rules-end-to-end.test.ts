/**
 * A key made from "Rules for my flows" allows every call the flows make at runtime: the editor's
 * own gatherCalls (editor/flow-calls.ts, run on the nodes as the editor holds them),
 * the admin route's answer, then the flow deployed with a consumer key holding exactly those
 * rules; any 403 at runtime fails. And the route with input made to hurt it.
 */
import 'should';
import fs from 'node:fs';
import http from 'node:http';
import { clientFor, fixtureFile } from '../helpers';
import { gatherCalls as gatherEditorCalls, type FlowCall, type FlowNode } from '../../editor/flow-calls';
import { rulesByDefinition } from '../helpers/flow-rules-oracle';
import type { NeededRule } from '../../nodes/client';
import { CLOUD_INSTANCE, CLOUD_PROJECT } from '../simulator/data';
import {
  coreNode,
  helper,
  load,
  requestFlow,
  signatureCredentials,
  useRuntime,
  watchFlow,
  type Msg,
  outOrCaught,
  useSettings,
  FAST_TASK_POLLING,
  watchEvery,
} from '../helpers/node-red';
import type { OvhSimulator } from '../simulator/simulator';

type Node = Record<string, unknown>;
const catchNode = coreNode('common/25-catch.js');
type Rule = { method: string; path: string };

/**
 * The longest the event loop was held while `work` ran: the largest gap between the ticks of a
 * 5 ms timer, less those 5 ms, counting only the time this process ran on a core in that gap (its
 * CPU time: all its threads, so never less than the event loop's own work). Every flow in the
 * runtime waits that long; a gap while the machine ran other processes is not this process's doing.
 */
async function longestBlock<T>(work: () => Promise<T>): Promise<{ result: T; blockedMs: number; gapMs: number }> {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let blockedMs = 0;
  let gapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const gap = now - last - 5;
    gapMs = Math.max(gapMs, gap);
    blockedMs = Math.max(blockedMs, Math.min(gap, (cpu.user + cpu.system) / 1000));
    last = now;
    lastCpu = process.cpuUsage();
  }, 5);
  try {
    const result = await work();
    await new Promise((resolve) => setTimeout(resolve, 20)); // a block at the very end is seen too
    return { result, blockedMs, gapMs };
  } finally {
    clearInterval(timer);
  }
}

/** The editor's gatherCalls (the account dialog's "Rules for my flows"), run on these nodes for account "acc". */
function gatherCalls(nodes: Node[]): { calls: FlowCall[]; unknown: string[] } {
  return gatherEditorCalls(nodes as unknown as FlowNode[], 'acc', (n) => n.id);
}

describe('a key made from "Rules for my flows" allows what the flows do', function () {
  this.timeout(60_000);
  let sim: OvhSimulator;
  useSettings({ ...FAST_TASK_POLLING, ...watchEvery(60_000) });
  useRuntime((started) => (sim = started));

  /** The rules the route answers for these nodes (as the editor holds them). */
  const rulesFor = async (editorNodes: Node[]): Promise<Rule[]> => {
    const { calls, unknown } = gatherCalls(editorNodes);
    unknown.should.eql([]);
    const res = await helper.request().post('/ovh-credentials/rules-for-calls').send({ calls });
    res.status.should.equal(200, JSON.stringify(res.body));
    return (res.body.rules as Rule[]).map(({ method, path: p }) => ({ method, path: p }));
  };

  /** Deploys the request node with a key of exactly the gathered rules, sends msg: its output or what Catch got. */
  const runRequest = async (request: Node, msg: Msg, editorView: Node = request) => {
    await load(requestFlow(sim, {}), signatureCredentials(sim)); // the routes come with the node types
    const rules = await rulesFor([{ id: 'req', type: 'ovh-request', account: 'acc', ...editorView }]);
    await helper.unload();
    await load(requestFlow(sim, request), signatureCredentials(sim, sim.addConsumerKey(rules)), [catchNode]);
    const answer = outOrCaught();
    helper.getNode('req').receive(msg);
    return {
      msg: await answer,
      rules,
      refused: sim.requests.filter((r) => r.status === 403).map((r) => `${r.method} ${r.path}`),
    };
  };

  const server = () => Object.keys(sim.data.servers)[0];

  describe('each kind of call', () => {
    const families: Array<[string, Node, () => Msg]> = [
      [
        'dedicated server',
        { method: 'POST', path: '/dedicated/server/{serviceName}/reboot', body: 'none' },
        () => ({ params: { serviceName: server() } }),
      ],
      ['VPS', { method: 'POST', path: '/vps/{name}/reboot', body: 'none' }, () => ({ params: { name: sim.data.vps[0] } })],
      ['IP (block with /)', { method: 'POST', path: '/ip/{ip}/move' }, () => ({ params: { ip: '192.0.2.0/24' } })],
      [
        'DNS zone',
        { method: 'POST', path: '/domain/zone/{zoneName}/import' },
        () => ({ params: { zoneName: 'example.com' }, payload: { zoneFile: '$ORIGIN example.com.\n@ IN A 203.0.113.10\n' } }),
      ],
      [
        'domain',
        { method: 'POST', path: '/domain/{serviceName}/nameServers/update' },
        () => ({ params: { serviceName: 'example.org' }, payload: { nameServers: [{ host: 'ns1.example.net' }] } }),
      ],
      [
        'Public Cloud operation',
        { method: 'POST', path: '/cloud/project/{serviceName}/region/{regionName}/instance/{instanceId}/reinstall' },
        () => ({
          params: { serviceName: CLOUD_PROJECT, regionName: 'GRA11', instanceId: CLOUD_INSTANCE },
          payload: { imageRegionName: 'GRA11' },
        }),
      ],
      [
        'SMS (a task read with GET, waited on)',
        { method: 'GET', path: '/sms/{serviceName}/task/{taskId}' },
        () => ({ params: { serviceName: 'sms-ab12345-1', taskId: Number(smsTask) } }),
      ],
      ['/v2 resource', { method: 'POST', path: '/v2/iam/policy' }, () => ({ payload: { name: 'ops' } })],
    ];
    let smsTask = '';
    for (const [family, request, msg] of families) {
      it(`waits for a ${family} task with the gathered rules only`, async () => {
        if (family.startsWith('SMS')) {
          const client = clientFor(sim);
          const report = await client.post<{ taskId: number }>(
            '/sms/{serviceName}/receivers/{slotId}/clean',
            { freemium: true, priceOnly: false },
            { params: { serviceName: 'sms-ab12345-1', slotId: 1 } },
          );
          smsTask = String(report.taskId);
          await client.close();
          sim.requests.length = 0;
        }
        const { msg: out, refused } = await runRequest({ ...request, wait: 'task' }, msg());
        refused.should.eql([]);
        (out.caught === undefined).should.be.true(JSON.stringify(out.caught?.error));
        out.ovh.task.should.be.a.String();
      });
    }

    it('expands a list read one id at a time (no object pages)', async () => {
      sim.cachedObjectLists = false;
      try {
        const { msg: out, refused } = await runRequest({ method: 'GET', path: '/dedicated/server', mode: 'expand' }, {});
        refused.should.eql([]);
        (out.ovh.failures === undefined).should.be.true();
        out.payload.length.should.equal(12);
      } finally {
        sim.cachedObjectLists = true;
      }
    });

    it('repeats a read until a condition holds', async () => {
      const { msg: out, refused } = await runRequest(
        { method: 'GET', path: '/dedicated/server/{serviceName}', wait: 'until', until: 'payload.state = "ok"' },
        { params: { serviceName: server() } },
      );
      refused.should.eql([]);
      out.payload.state.should.equal('ok');
    });

    it('follows /v2 pages', async () => {
      const { msg: out, refused } = await runRequest({ method: 'GET', path: '/v2/iam/policy', mode: 'pages', pageSize: 2 }, {});
      refused.should.eql([]);
      out.payload.should.be.an.Array();
    });

    for (const objects of [true, false]) {
      it(`watches a list as objects (${objects ? 'object pages' : 'one read per id'})`, async () => {
        sim.cachedObjectLists = objects;
        try {
          await load(requestFlow(sim, {}), signatureCredentials(sim));
          const watch = { path: '/dedicated/server', read: 'objects', sendFirst: true };
          const rules = await rulesFor([{ id: 'w', type: 'ovh-watch', account: 'acc', ...watch }]);
          await helper.unload();
          await load(watchFlow(sim, watch), signatureCredentials(sim, sim.addConsumerKey(rules)), [catchNode]);
          const got = outOrCaught();
          const out = await got;
          (out.caught === undefined).should.be.true(JSON.stringify(out.caught?.error));
        } finally {
          sim.cachedObjectLists = true;
        }
      });
    }
  });

  describe('paths and settings as the runtime reads them', () => {
    it("gathers the task reads of a node saved with the first form (waitTask), which waits even with wait: 'none'", async () => {
      const legacy = { method: 'POST', path: '/dedicated/server/{serviceName}/reboot', body: 'none', waitTask: true };
      const {
        msg: out,
        refused,
        rules,
      } = await runRequest(legacy, { params: { serviceName: server() } }, { ...legacy, wait: 'none' });
      rules.should.eql([
        { method: 'POST', path: '/dedicated/server/*/reboot' },
        { method: 'GET', path: '/dedicated/server/*/task/*' },
      ]);
      refused.should.eql([]);
      (out.caught === undefined).should.be.true(JSON.stringify(out.caught?.error));
    });

    it('gathers the task reads of a path written with its version (/1.0/...)', async () => {
      const { msg: out, refused } = await runRequest(
        { method: 'POST', path: '/1.0/dedicated/server/{serviceName}/reboot', body: 'none', wait: 'task' },
        { params: { serviceName: server() } },
      );
      refused.should.eql([]);
      (out.caught === undefined).should.be.true(JSON.stringify(out.caught?.error));
    });

    it('gathers the resource read of a /v2 POST whose path holds a query', async () => {
      const { msg: out, refused } = await runRequest(
        { method: 'POST', path: '/v2/iam/policy?origin=flow', wait: 'task' },
        { payload: { name: 'ops' } },
      );
      refused.should.eql([]);
      (out.caught === undefined).should.be.true(JSON.stringify(out.caught?.error));
    });

    it('reads an expand path as the runtime does, trimmed, for its items too', async () => {
      sim.cachedObjectLists = false;
      try {
        const { msg: out, refused, rules } = await runRequest({ method: 'GET', path: '/dedicated/server ', mode: 'expand' }, {});
        rules.should.containEql({ method: 'GET', path: '/dedicated/server/*' });
        refused.should.eql([]);
        (out.ovh.failures === undefined).should.be.true();
      } finally {
        sim.cachedObjectLists = true;
      }
    });

    it('answers the others when one node has a path that makes no rule, naming it', async () => {
      await load(requestFlow(sim, {}), signatureCredentials(sim));
      const { calls } = gatherCalls([
        { id: 'a', type: 'ovh-request', account: 'acc', method: 'GET', path: '/me' },
        { id: 'b', type: 'ovh-watch', account: 'acc', path: ' /sms/sms-ab12345-1/incoming' },
        { id: 'c', type: 'ovh-request', account: 'acc', method: 'GET', path: '/me/../dedicated/server', name: 'dotted' },
      ]);
      const res = await helper.request().post('/ovh-credentials/rules-for-calls').send({ calls });
      res.status.should.equal(200, JSON.stringify(res.body));
      res.body.rules.map((r: Rule) => `${r.method} ${r.path}`).should.eql(['GET /me', 'GET /sms/sms-ab12345-1/incoming']);
      res.body.unusable.should.match([{ by: 'dotted', reason: /\.\./ }]);
    });
  });

  describe('the admin route with malformed input', () => {
    beforeEach(() => load(requestFlow(sim, {}), signatureCredentials(sim)));
    const ask = (body: unknown) =>
      helper
        .request()
        .post('/ovh-credentials/rules-for-calls')
        .send(body as object);

    it('names huge paths, refuses too many calls and non-string fields, and ignores wait values that are not strings', async () => {
      (await ask({ calls: [{ method: 'GET', path: '/' + 'a'.repeat(600), by: 'x' }] })).body.unusable.should.match([{ by: 'x' }]);
      (await ask({ calls: Array.from({ length: 2001 }, () => ({ method: 'GET', path: '/me', by: 'x' })) })).status.should.equal(
        400,
      );
      (await ask({ calls: [{ method: 'GET', path: ['/me'], by: 'x' }] })).status.should.equal(400);
      (await ask({ calls: [{ method: 'GET', path: '/me', by: 'x', wait: { task: 1 } }] })).status.should.equal(200);
      (await ask({ calls: [{ method: 'GET', path: '/me', by: 'x', wait: ['task'], mode: 42 }] })).status.should.equal(200);
    });

    it('makes no rule of a path holding "*", which a rule would read as anything (DELETE /*)', async () => {
      const res = await ask({ calls: [{ method: 'DELETE', path: '/*', by: 'cleanup' }] });
      res.body.rules.should.eql([]);
      res.body.unusable.should.eql([{ by: 'cleanup', reason: 'a path holding *' }]);
    });

    it('answers hundreds of intricate paths in bounded time, without holding Node-RED for long', async () => {
      const a = 'a'.repeat(480);
      // /*aaaa...c<i> against /aaaa...<i>: each comparison O(n*m); one work budget for the whole answer.
      const calls = Array.from({ length: 400 }, (_, i) => ({
        method: 'GET',
        path: i % 2 ? `/{}${a}c${i}` : `/${a}${i}`,
        by: 'x',
      }));
      const started = Date.now();
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 100);
      const res = await ask({ calls });
      clearInterval(ticker);
      const took = Date.now() - started;
      res.status.should.be.oneOf(200, 400);
      took.should.be.below(3000, `${took} ms, ${ticks} event loop ticks`);
    });

    /** Asks `times` times, each while measuring how long the runtime was held; the worst hold under `most` ms. */
    const askHeldAtMost = async (body: object, times: number, most: number) => {
      const answers: Array<Awaited<ReturnType<typeof ask>>> = [];
      for (let i = 0; i < times; i++) {
        const { result, blockedMs, gapMs } = await longestBlock(async () => await ask(body));
        blockedMs.should.be.below(
          most,
          `answer ${i + 1} held the event loop ${Math.round(blockedMs)} ms (longest gap ${Math.round(gapMs)} ms, status ${result.status})`,
        );
        answers.push(result);
      }
      return answers;
    };

    it('answers 2,000 calls of distinct paths, four methods in turn and read as objects, never holding the other flows for long', async () => {
      const methods = ['GET', 'POST', 'PUT', 'DELETE'];
      const calls = Array.from({ length: 2000 }, (_, i) => ({
        method: methods[i % 4],
        path: `/x${i}`,
        by: `b${i}`,
        mode: 'expand',
      }));
      const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      // No rule covers another: each path's own two rules, list and items.
      const expected = calls
        .flatMap(({ method, path: p, by }) => [
          { method, path: p, by: [by] },
          { method, path: `${p}/*`, by: [by] },
        ])
        .sort((a, b) => order(a.path, b.path) || order(a.method, b.method));
      const answers = await askHeldAtMost({ calls }, 5, 100);
      for (const res of answers) {
        // About 20 ms of work once warm; on a loaded machine, a cold first answer may reach the deadline.
        [200, 413].includes(res.status).should.be.true(`${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        if (res.status === 200) res.body.rules.should.eql(expected);
        else res.body.error.should.match(/^Too many calls or rules to compare/);
      }
      answers.map((res) => res.status).should.containEql(200);
    });

    it("refuses, as too much work, 2,000 key rules /*a*a*a... against 2,000 calls (the matcher's worst case), holding nothing long", async () => {
      const calls = Array.from({ length: 2000 }, (_, i) => ({ method: 'GET', path: `/${'a'.repeat(150)}${i}`, by: `b${i}` }));
      const keyRules = Array.from({ length: 2000 }, (_, i) => ({ method: 'GET', path: `/${'*a'.repeat(60)}${i}` }));
      for (const res of await askHeldAtMost({ calls, keyRules }, 5, 100)) {
        res.status.should.equal(413, JSON.stringify(res.body).slice(0, 300));
        res.body.error.should.match(/^Too many calls or rules to compare/);
      }
    });

    it('works on one question at a time: questions asked together do not hold the event loop together', async () => {
      const calls = Array.from({ length: 2000 }, (_, i) => ({ method: 'GET', path: `/${'a'.repeat(150)}${i}`, by: `b${i}` }));
      const keyRules = Array.from({ length: 2000 }, (_, i) => ({ method: 'GET', path: `/${'*a'.repeat(60)}${i}` }));
      const started = performance.now();
      const { result, blockedMs } = await longestBlock(
        async () => await Promise.all([1, 2, 3, 4].map(() => ask({ calls, keyRules }))),
      );
      blockedMs.should.be.below(100);
      result.map((res) => res.status).should.eql([413, 413, 413, 413]);
      // Each from its arrival: those waiting for the first end with it, not one after another.
      (performance.now() - started).should.be.below(1500);
    });

    it('refuses a body over its byte budget before reading it', async () => {
      const calls = Array.from({ length: 2000 }, (_, i) => ({ method: 'GET', path: `/x${i}`, by: `b${i}`.padEnd(600, '.') }));
      const [res] = await askHeldAtMost({ calls }, 1, 100);
      res.status.should.equal(413);
      res.body.error.should.match(/more than 1 MB of JSON/);
    });

    it('refuses a body of no stated length (sent in chunks), which the byte budget could not bound', async () => {
      const body = JSON.stringify({ calls: [{ method: 'GET', path: '/me', by: 'x'.repeat(400) }] });
      // The admin app the test helper routes admin requests to, on a port of its own.
      const adminApp = (helper as unknown as { _httpAdmin: http.RequestListener })._httpAdmin;
      const server = http.createServer(adminApp);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          `http://127.0.0.1:${port}/ovh-credentials/rules-for-calls`,
          { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
          (answer) => {
            let text = '';
            answer.on('data', (chunk: Buffer) => (text += chunk.toString()));
            answer.on('end', () => resolve({ status: answer.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 100));
        req.end(body.slice(100));
      }).finally(() => server.close());
      res.status.should.equal(413, res.text);
      res.text.should.match(/no Content-Length/);
    });

    it('answers a few hundred calls of real API paths as comparing every pair does, at once', async () => {
      const families = ['domain.json', 'dedicated/server.json', 'sms.json'];
      const calls: Array<{ method: string; path: string; by: string; mode?: string }> = [];
      for (const family of families) {
        const schema = JSON.parse(fs.readFileSync(fixtureFile(`ovh-api-schemas/1.0/${family}`), 'utf8')) as {
          apis: Array<{ path: string; operations: Array<{ httpMethod: string }> }>;
        };
        for (const api of schema.apis) {
          for (const { httpMethod } of api.operations) {
            const list = httpMethod === 'GET' && !api.path.endsWith('}') && calls.length % 3 === 0;
            calls.push({ method: httpMethod, path: api.path, by: `node ${calls.length}`, ...(list ? { mode: 'expand' } : {}) });
          }
        }
      }
      calls.length.should.be.above(300);
      // The calls the route reads: a list read as objects reads its items too.
      const gathered = calls.flatMap(({ mode, ...call }) => (mode ? [call, { ...call, path: `${call.path}/{id}` }] : [call]));
      const expected = rulesByDefinition(gathered);
      const [res] = await askHeldAtMost({ calls }, 3, 100);
      res.status.should.equal(200);
      res.body.unusable.should.eql([]);
      res.body.rules.should.eql(expected);
      // `GET /domain/{serviceName}` makes `GET /domain/*`, which covers every read under /domain (`*` spans `/`).
      const record = calls.find((c) => c.method === 'GET' && c.path === '/domain/zone/{zoneName}/record/{id}');
      (res.body.rules as NeededRule[])
        .filter((r) => r.by.includes(record?.by as string))
        .should.match([{ method: 'GET', path: '/domain/*' }]);
    });

    it('makes no rule of a ".." segment, which the runtime refuses', async () => {
      const res = await ask({ calls: [{ method: 'GET', path: '/me/../dedicated/server', by: 'x' }] });
      res.body.rules.should.eql([]);
      res.body.unusable.should.match([{ by: 'x' }]);
    });
  });
});
