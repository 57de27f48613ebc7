import should from 'should';
import { DEFAULT_APP, DEFAULT_OAUTH, OvhSimulator } from '../simulator/simulator';
import {
  helper,
  load,
  logLines,
  receive,
  requestFlow,
  signatureCredentials,
  useRuntime,
  type Msg,
  watchCompletions,
  runRequest,
} from '../helpers/node-red';

describe('ovh-request in the Node-RED runtime', function () {
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started));
  afterEach(() => sim.iamDenied.clear());

  const run = (request: Record<string, unknown>, msg: Msg, at = 'out', account: Record<string, unknown> = {}) =>
    runRequest(sim, request, msg, { at, account });

  describe('answers', () => {
    it('sends the answer on the input msg: payload, statusCode, headers and msg.ovh', async () => {
      const msg = await run({}, { topic: 'keep me', payload: 'ignored for GET' });
      msg.topic.should.equal('keep me');
      msg.payload.nichandle.should.equal('xx1234-ovh');
      msg.statusCode.should.equal(200);
      msg.headers['x-ovh-queryid'].should.equal(msg.ovh.queryId);
      msg.ovh.should.have.properties({ method: 'GET', url: sim.baseUrl + '/me', attempts: 1 });
      msg.ovh.durationMs.should.be.a.Number();
      Object.keys(msg.ovh).sort().should.eql(['attempts', 'durationMs', 'method', 'queryId', 'url']);
      sim.count({ method: 'GET', path: '/1.0/me' }).should.equal(1);
    });

    it('fills placeholders from msg.params and the query from msg.query', async () => {
      const msg = await run(
        { path: '/echo/{zoneName}/{ip}' },
        { params: { zoneName: 'exämple.com', ip: '192.0.2.0/24' }, query: { subDomain: 'a b', flag: true, none: null } },
      );
      msg.payload.path.should.equal('/1.0/echo/ex%C3%A4mple.com/192.0.2.0%2F24');
      msg.payload.search.should.equal('subDomain=a%20b&flag=true');
    });

    it('sends msg.payload as the JSON body of a POST, escaped like the official clients', async () => {
      const msg = await run({ method: 'POST', path: '/echo/x' }, { payload: { message: 'héllo ✓' } });
      msg.payload.body.should.equal('{"message":"h\\u00e9llo \\u2713"}');
      msg.payload.contentType.should.equal('application/json');
    });

    it('parses a JSON string payload, and sends no body when told so', async () => {
      (await run({ method: 'PUT', path: '/echo/x' }, { payload: '{"a":1}' })).payload.body.should.equal('{"a":1}');
      await helper.unload();
      const none = await run({ method: 'POST', path: '/echo/x', body: 'none' }, { payload: 1732838400000 });
      none.payload.body.should.equal('');
      should(none.payload.contentType).be.null();
    });

    it('answers null for an empty answer', async () => {
      const msg = await run({ method: 'POST', path: '/domain/zone/{zone}/refresh' }, { params: { zone: 'example.com' } });
      should(msg.payload).be.null();
      msg.statusCode.should.equal(200);
    });

    it('takes the method from msg.method when set to "msg", and warns once when a differing msg.method is ignored', async () => {
      (await run({ method: 'msg', path: '/echo/m' }, { method: 'delete' })).payload.method.should.equal('DELETE');
      await helper.unload();
      await load(requestFlow(sim, { method: 'GET', path: '/echo/m' }), signatureCredentials(sim));
      const received = receive('out', 2);
      helper.getNode('req').receive({ method: 'POST' });
      helper.getNode('req').receive({ method: 'DELETE' });
      (await received).map((m) => m.payload.method).should.eql(['GET', 'GET']);
      logLines()
        .filter((l) => l.level === 30 && /ignored-method/.test(l.text))
        .length.should.equal(1);
    });

    it('takes the path from msg.path when the node has none, and warns once when it is ignored', async () => {
      (await run({ path: '' }, { path: '/echo/from-msg' })).payload.path.should.equal('/1.0/echo/from-msg');
      await helper.unload();
      (await run({ path: '/echo/node' }, { path: '/echo/other' })).payload.path.should.equal('/1.0/echo/node');
      logLines()
        .filter((l) => l.level === 30 && /ignored-path/.test(l.text))
        .length.should.equal(1);
    });

    it('sends msg.requestHeaders, never the answer headers of an earlier request in msg.headers', async () => {
      const msg = await run(
        { path: '/echo/h' },
        {
          headers: { 'x-ovh-queryid': 'old', 'content-type': 'text/html', 'x-leak': 'yes' },
          requestHeaders: { 'Accept-Language': 'fr-FR' },
        },
      );
      msg.payload.headers['accept-language'].should.equal('fr-FR');
      should(msg.payload.headers['x-leak']).be.undefined();
      should(msg.payload.headers['x-ovh-queryid']).be.undefined();
    });

    it('shares one client and one clock sync between the request nodes of an account', async () => {
      const flow = requestFlow(sim, { path: '/me' });
      flow.push({
        id: 'req2',
        z: 'flow',
        x: 100,
        y: 200,
        type: 'ovh-request',
        account: 'acc',
        method: 'GET',
        path: '/domain',
        wires: [['out']],
      });
      await load(flow, signatureCredentials(sim));
      const received = receive('out', 20);
      for (let i = 0; i < 10; i++) {
        helper.getNode('req').receive({});
        helper.getNode('req2').receive({});
      }
      (await received).length.should.equal(20);
      sim.count({ path: '/1.0/auth/time' }).should.equal(1);
    });

    it('works with an OAuth2 service account', async () => {
      const flow = requestFlow(sim, { path: '/me' }, { authType: 'oauth2', tokenUrl: sim.tokenUrl });
      await load(flow, {
        acc: { clientId: DEFAULT_OAUTH.clientId, clientSecret: DEFAULT_OAUTH.clientSecret, appSecret: 'unused' },
      });
      const received = receive('out');
      helper.getNode('req').receive({});
      (await received)[0].payload.nichandle.should.equal('xx1234-ovh');
      sim.received({ path: '/1.0/me' })[0].headers.authorization!.should.match(/^Bearer /);
      sim.count({ path: '/1.0/auth/time' }).should.equal(0);
    });
  });

  describe('failures', () => {
    it('sends an API error to Catch with status, error body and a message naming code, message and query id', async () => {
      const msg = await run({ path: '/domain/zone/{zone}/record/{id}' }, { params: { zone: 'example.com', id: 9 } }, 'caught');
      msg.statusCode.should.equal(404);
      msg.payload.should.eql({ class: 'Client::NotFound', message: 'The requested object (id = 9) does not exist' });
      msg.error.message.should.match(
        /404 Client::NotFound: The requested object \(id = 9\) does not exist \(query id EU\.ext-3\./,
      );
      msg.error.source.id.should.equal('req');
      msg.error.message.should.startWith('OvhApiError: GET /domain/zone/{zone}/record/{id} failed: '); // as the README shows it
      msg.ovh.queryId.should.match(/^EU\./);
      msg.ovh.should.have.properties({
        method: 'GET',
        path: '/domain/zone/{zone}/record/{id}',
        url: sim.baseUrl + '/domain/zone/example.com/record/9',
        attempts: 1,
      });
    });

    it('reports a key without the right to the call, naming the rule that would allow it', async () => {
      const flow = requestFlow(sim, { method: 'POST', path: '/domain/zone/{zoneName}/refresh' });
      await load(flow, signatureCredentials(sim, sim.addConsumerKey([{ method: 'GET', path: '/*' }])));
      const caught = receive('caught');
      helper.getNode('req').receive({ params: { zoneName: 'example.com' } });
      const msg = (await caught)[0];
      msg.statusCode.should.equal(403);
      msg.payload.errorCode.should.equal('NOT_GRANTED_CALL');
      msg.error.code.should.equal('NOT_GRANTED_CALL');
      msg.error.message.should.match(
        /access rules do not allow this method and path: a rule POST \/domain\/zone\/\*\/refresh \(or the wider POST \/domain\/zone\/\*\) would allow it/,
      );
      // The rule named is one the API takes: granted, the same call goes through.
      await helper.unload();
      await load(flow, signatureCredentials(sim, sim.addConsumerKey([{ method: 'POST', path: '/domain/zone/*/refresh' }])));
      const out = receive('out');
      helper.getNode('req').receive({ params: { zoneName: 'example.com' } });
      (await out)[0].statusCode.should.equal(200);
    });

    it('refuses bad input with a clear error and sends nothing', async () => {
      const msg = await run({ path: '/domain/{name}' }, { params: {} }, 'caught');
      msg.error.message.should.match(/placeholder \{name\} has no value: set it in msg\.params\.name/);
      sim.count().should.equal(0);
    });

    it('reports a network failure', async () => {
      const flow = requestFlow(sim, {}, { url: 'http://127.0.0.1:9/1.0' });
      await load(flow, signatureCredentials(sim));
      const caught = receive('caught');
      helper.getNode('req').receive({});
      const msg = (await caught)[0];
      msg.error.code.should.equal('ECONNREFUSED');
      msg.error.message.should.match(/connection refused/);
    });

    it('sends failures to the second output when asked, with msg.error', async () => {
      sim.iamDenied.add('vps:apiovh:reboot');
      const msg = await run(
        { method: 'POST', path: '/vps/{name}/reboot', errorOutput: true },
        { params: { name: 'vps-1.vps.ovh.net' } },
        'failed',
      );
      msg.statusCode.should.equal(403);
      msg.error.should.have.properties({ statusCode: 403, errorClass: 'Client::Forbidden', code: 'Client::Forbidden' });
      msg.error.details.unauthorizedActionsByIAM.should.equal('vps:apiovh:reboot');
      msg.error.message.should.match(/User not granted for this request/);
    });

    it('sends answers to the first output when the second is on', async () => {
      (await run({ errorOutput: true }, {})).payload.nichandle.should.equal('xx1234-ovh');
    });

    it('names a custom endpoint without a token URL for OAuth2', async () => {
      await load(requestFlow(sim, {}, { authType: 'oauth2' }), { acc: { clientId: 'a', clientSecret: 'b' } });
      const caught = receive('caught');
      helper.getNode('req').receive({});
      (await caught)[0].error.message.should.match(/OAuth2 service accounts are not offered on .*: give a token URL/);
    });

    it('names the missing credentials of the chosen auth type, stored or from the environment', async () => {
      await load(requestFlow(sim, {}, { authType: 'oauth2', tokenUrl: sim.tokenUrl }), { acc: {} });
      const caught = receive('caught');
      helper.getNode('req').receive({});
      (await caught)[0].error.message.should.equal('OvhInputError: Missing credentials: no client ID, no client secret');
      await helper.unload();
      const saved = { id: process.env.OVH_CLIENT_ID, secret: process.env.OVH_CLIENT_SECRET };
      delete process.env.OVH_CLIENT_ID;
      delete process.env.OVH_CLIENT_SECRET;
      try {
        await load(requestFlow(sim, {}, { authType: 'oauth2', tokenUrl: sim.tokenUrl, credentialsFrom: 'env' }), {});
        const caught2 = receive('caught');
        helper.getNode('req').receive({});
        (await caught2)[0].error.message.should.match(/Missing environment variable\(s\): OVH_CLIENT_ID, OVH_CLIENT_SECRET$/);
      } finally {
        if (saved.id !== undefined) process.env.OVH_CLIENT_ID = saved.id;
        if (saved.secret !== undefined) process.env.OVH_CLIENT_SECRET = saved.secret;
      }
      sim.count().should.equal(0);
    });

    it('reports a missing account and a broken account configuration', async () => {
      const flow = requestFlow(sim, { account: '' });
      await load(flow, {});
      const caught = receive('caught');
      helper.getNode('req').receive({});
      (await caught)[0].error.message.should.match(/ovh-request\.errors\.no-account/);
      await helper.unload();

      await load(requestFlow(sim, {}, { url: 'ftp://example.com/1.0' }), signatureCredentials(sim));
      const caught2 = receive('caught');
      helper.getNode('req').receive({});
      (await caught2)[0].error.message.should.match(/must start with https:\/\/ or http:\/\//);
    });

    it('refuses an imported base URL ending in "?" or "#" before anything is sent', async () => {
      for (const url of [sim.baseUrl + '?', sim.baseUrl + '#']) {
        await load(requestFlow(sim, {}, { url }), signatureCredentials(sim));
        const caught = receive('caught');
        helper.getNode('req').receive({});
        (await caught)[0].error.message.should.match(/base URL must not hold a query or a fragment \("\?" or "#"\)/);
        await helper.unload();
      }
      sim.count().should.equal(0);
    });
  });

  describe('status', () => {
    it('shows the calls in flight, then the last status code, and clears on close', async () => {
      await load(requestFlow(sim, { path: '/domain/zone/{zone}' }), signatureCredentials(sim));
      const node = helper.getNode('req');
      const statuses: Array<Record<string, unknown>> = [];
      const original = node.status.bind(node);
      node.status = (s: Record<string, unknown>) => {
        statuses.push(s);
        original(s);
      };
      const out = receive('out');
      node.receive({ params: { zone: 'example.com' } });
      await out;
      await new Promise((r) => setTimeout(r, 300));
      statuses[0].should.eql({ fill: 'blue', shape: 'dot', text: 'ovh-request.status.requesting' });
      statuses[statuses.length - 1].should.eql({ fill: 'green', shape: 'dot', text: '200' });

      const caught = receive('caught');
      node.receive({ params: { zone: 'nothing.example' } });
      await caught;
      await new Promise((r) => setTimeout(r, 300));
      statuses[statuses.length - 1].should.eql({ fill: 'red', shape: 'ring', text: '404 Client::NotFound' });

      await helper.unload();
      statuses[statuses.length - 1].should.eql({});
    });
    it('names itself at Catch as the flow shows it when it has no name: method and path', async () => {
      await load(requestFlow(sim, { method: 'PUT', path: '/domain/zone/{zoneName}/record/{id}' }), signatureCredentials(sim));
      const caught = receive('caught');
      helper.getNode('req').receive({ params: { zoneName: 'example.com' } });
      const [msg] = await caught;
      msg.error.source.should.match({ id: 'req', type: 'ovh-request', name: 'PUT /domain/zone/{zoneName}/record/{id}' });
      await helper.unload();
      await load(requestFlow(sim, { name: 'my record', path: '/nothing/{x}' }), signatureCredentials(sim));
      const named = receive('caught');
      helper.getNode('req').receive({});
      (await named)[0].error.source.name.should.equal('my record');
    });
    it('shows done for a write the API answers with nothing, its code for one it answers', async () => {
      const lastStatus = async (request: Record<string, unknown>, msg: Msg) => {
        await load(requestFlow(sim, request), signatureCredentials(sim));
        const node = helper.getNode('req');
        let last: Record<string, unknown> = {};
        node.status = (s: Record<string, unknown>) => (last = s);
        const out = receive('out');
        node.receive(msg);
        const [sent] = await out;
        await new Promise((r) => setTimeout(r, 300));
        const shown = last;
        await helper.unload();
        return { last: shown, sent };
      };
      const removed = await lastStatus({ method: 'DELETE', path: '/domain/zone/example.com/record/1004' }, {});
      should(removed.sent.payload).be.null();
      removed.last.should.eql({ fill: 'green', shape: 'dot', text: 'ovh-request.status.done' });
      const made = await lastStatus(
        { method: 'POST', path: '/domain/zone/example.com/record' },
        { payload: { fieldType: 'A', subDomain: 'new', target: '203.0.113.9' } },
      );
      made.sent.payload.should.have.property('id');
      made.last.should.eql({ fill: 'green', shape: 'dot', text: '200' });
    });
    it('says which input is missing: a placeholder value, or the keys', async () => {
      const lastStatus = async (msg: Msg, credentials: Record<string, unknown>) => {
        await load(requestFlow(sim, { path: '/domain/zone/{zoneName}' }), credentials);
        const node = helper.getNode('req');
        const statuses: Array<Record<string, unknown>> = [];
        node.status = (s: Record<string, unknown>) => statuses.push(s);
        const caught = receive('caught');
        node.receive(msg);
        await caught;
        await new Promise((r) => setTimeout(r, 300));
        await helper.unload();
        return statuses.filter((s) => s.fill === 'red').pop();
      };
      (await lastStatus({}, signatureCredentials(sim)))!.text!.should.equal('ovh-request.status.missing');
      (await lastStatus({ params: { zoneName: 'example.com' } }, { acc: {} }))!.text!.should.equal('ovh-request.status.no-keys');
      (await lastStatus({ params: { zoneName: 'example.com' }, query: 'x' }, signatureCredentials(sim)))!.text!.should.equal(
        'ovh-request.status.invalid-input',
      );
    });

    it("shows the account's queue when its limits hold calls back", async () => {
      await load(requestFlow(sim, { path: '/me' }, { maxInFlight: 1, rate: '', maxQueue: 100 }), signatureCredentials(sim));
      const node = helper.getNode('req');
      const warm = receive('out');
      node.receive({});
      await warm;
      const statuses: Array<Record<string, unknown>> = [];
      const original = node.status.bind(node);
      node.status = (st: Record<string, unknown>) => {
        statuses.push(st);
        original(st);
      };
      sim.injectFault({ kind: 'slow', path: '/1.0/me', delayMs: 300, count: 5 });
      const out = receive('out', 5);
      for (let i = 0; i < 5; i++) node.receive({});
      await new Promise((r) => setTimeout(r, 350));
      await out;
      statuses.some((st) => st.fill === 'yellow' && / · ovh-request\.status\.queued$/.test(String(st.text))).should.be.true();
      sim
        .received({ path: '/1.0/me' })
        .slice(-5)
        .map((r) => r.receivedAt)
        .every((t, i, all) => i === 0 || t - all[i - 1] >= 250)
        .should.be.true();
    });
  });

  describe('all pages (/v2)', () => {
    it('collects every page into one msg', async () => {
      const msg = await run({ path: '/v2/iam/policy', mode: 'pages', pageSize: 10 }, {});
      msg.payload.length.should.equal(23);
      msg.ovh.pages.should.equal(3);
      sim.count({ path: '/v2/iam/policy' }).should.equal(3);
    });

    it('sends one msg per page with msg.parts for a join node', async () => {
      await load(
        requestFlow(sim, { path: '/v2/iam/policy', mode: 'pages', split: 'each', pageSize: 10 }),
        signatureCredentials(sim),
      );
      const received = receive('out', 3);
      helper.getNode('req').receive({ _msgid: 'm1' });
      const pages = await received;
      pages.map((p) => p.payload.length).should.eql([10, 10, 3]);
      pages.map((p) => p.parts.index).should.eql([0, 1, 2]);
      pages.map((p) => p.ovh.page).should.eql([1, 2, 3]);
      pages.every((p) => p.parts.id === pages[0].parts.id && p.parts.type === 'array').should.be.true();
      pages[0].parts.id.should.not.equal('m1'); // a fresh id: msgs cloned by a split share their _msgid
      should(pages[0].parts.count).be.undefined();
      pages[2].parts.count.should.equal(3);
    });

    it('refuses the pages mode for anything but GET', async () => {
      (await run({ method: 'POST', path: '/v2/iam/policy', mode: 'pages' }, {}, 'caught')).error.message.should.match(/get-only/);
      sim.count().should.equal(0);
    });
  });

  describe('expand, from an API whose lists answer ids only: one call per id', () => {
    beforeEach(() => (sim.cachedObjectLists = false));
    afterEach(() => (sim.cachedObjectLists = true));

    it('gets the list, then each item, in order, in one msg', async () => {
      const msg = await run({ path: '/dedicated/server', mode: 'expand', concurrency: 3 }, {});
      msg.payload.length.should.equal(12);
      msg.payload.map((s: { name: string }) => s.name).should.eql(Object.keys(sim.data.servers));
      msg.ovh.items.should.equal(12);
      sim.count({ path: /^\/1\.0\/dedicated\/server\/ns/ }).should.equal(12);
    });

    it('sends one msg per item with msg.parts, in list order', async () => {
      await load(
        requestFlow(sim, { path: '/dedicated/server', mode: 'expand', split: 'each', concurrency: 4 }),
        signatureCredentials(sim),
      );
      const received = receive('out', 12);
      helper.getNode('req').receive({});
      const items = await received;
      items.map((m) => m.parts.index).should.eql([...Array(12).keys()]);
      items.map((m) => m.payload.name).should.eql(Object.keys(sim.data.servers));
      items.map((m) => m.ovh.index).should.eql([...Array(12).keys()]);
      items
        .slice(0, 11)
        .every((m) => m.parts.count === undefined)
        .should.be.true();
      items[11].parts.count.should.equal(12);
    });

    it("sends a list's query to the list only, and the item calls to the list's path plus the id", async () => {
      const msg = await run({ path: '/dedicated/server?datacenter=gra1', mode: 'expand' }, { query: { x: 'y' } });
      msg.payload.length.should.equal(12);
      sim.received({ path: '/1.0/dedicated/server' })[0].search.should.equal('datacenter=gra1&x=y');
      sim
        .received({ path: /^\/1\.0\/dedicated\/server\/ns/ })
        .every((r) => r.search === '')
        .should.be.true();
    });

    it('reports failed items with the partial results, never dropping them', async () => {
      const failing = '/1.0/dedicated/server/ns3000002.ip-203-0-113.eu';
      sim.injectFault({ kind: 'status', status: 500, path: failing, count: 3 });
      const msg = await run({ path: '/dedicated/server', mode: 'expand' }, {}, 'caught');
      msg.error.message.should.match(/expand-failed/);
      msg.payload.length.should.equal(11);
      msg.ovh.failures.length.should.equal(1);
      msg.ovh.failures[0].id.should.equal('ns3000002.ip-203-0-113.eu');
      msg.ovh.failures[0].statusCode.should.equal(500);
    });

    it('in per-item mode, sends a failed item to Catch, and ends the sequence of the others with its count', async () => {
      sim.injectFault({ kind: 'status', status: 500, path: '/1.0/dedicated/server/ns3000003.ip-203-0-113.eu', count: 3 });
      await load(requestFlow(sim, { path: '/dedicated/server', mode: 'expand', split: 'each' }), signatureCredentials(sim));
      const out = receive('out', 11);
      const caught = receive('caught', 1);
      helper.getNode('req').receive({});
      const items = await out;
      items.map((m) => m.parts.index).should.eql([...Array(11).keys()]);
      items[10].parts.count.should.equal(11);
      const failed = (await caught)[0];
      should(failed.parts).be.undefined(); // not a part: the sequence holds the items that came
      failed.statusCode.should.equal(500);
      failed.ovh.should.have.properties({
        id: 'ns3000003.ip-203-0-113.eu',
        index: Object.keys(sim.data.servers).indexOf('ns3000003.ip-203-0-113.eu'),
      });
    });
  });

  describe('expand, reading whole objects a page at a time (X-Pagination-Mode: CachedObjectList-Pages)', () => {
    it('reads a list of servers in one call, the same objects as one call per id', async () => {
      const msg = await run({ path: '/dedicated/server', mode: 'expand' }, {});
      msg.payload.map((s: { name: string }) => s.name).should.eql(Object.keys(sim.data.servers));
      msg.payload.should.eql(Object.values(sim.data.servers));
      msg.ovh.should.match({ items: 12, pages: 1, objects: true });
      sim.count({ path: /^\/1\.0\/dedicated\/server/ }).should.equal(1);
      const asked = sim.received({ path: '/1.0/dedicated/server' })[0].headers;
      asked.should.match({
        'x-pagination-mode': 'CachedObjectList-Pages',
        'x-pagination-size': '5000',
        'x-pagination-number': '1',
      });
    });

    it('reads 500 DNS records in 3 pages of 200 instead of 501 calls, in list order', async () => {
      const records = sim.data.zones['example.com'].records;
      const kept = records.slice();
      for (let i = records.length; i < 500; i++) {
        records.push({ id: 5000 + i, zone: 'example.com', fieldType: 'TXT', subDomain: `r${i}`, target: `"v${i}"`, ttl: 60 });
      }
      try {
        const msg = await run(
          { path: '/domain/zone/{zoneName}/record', mode: 'expand', pageSize: 200 },
          { params: { zoneName: 'example.com' } },
        );
        msg.payload.length.should.equal(500);
        msg.payload.map((r: { id: number }) => r.id).should.eql(records.map((r) => r.id));
        msg.ovh.should.match({ items: 500, pages: 3, objects: true });
        sim
          .received({ path: '/1.0/domain/zone/example.com/record' })
          .map((r) => r.headers['x-pagination-number'])
          .should.eql(['1', '2', '3']);
        sim.count({ path: /^\/1\.0\/domain\/zone\/example\.com\/record\/\d+/ }).should.equal(0);
      } finally {
        records.splice(0, records.length, ...kept);
      }
    });

    it('sends one msg per object with msg.parts, its id in msg.ovh.id', async () => {
      await load(
        requestFlow(sim, { path: '/domain/zone/{zoneName}/record', mode: 'expand', split: 'each' }),
        signatureCredentials(sim),
      );
      const count = sim.data.zones['example.com'].records.length;
      const received = receive('out', count);
      helper.getNode('req').receive({ params: { zoneName: 'example.com' } });
      const parts = await received;
      parts.map((m) => m.payload.id).should.eql(sim.data.zones['example.com'].records.map((r) => r.id));
      parts.map((m) => m.ovh.id).should.eql(parts.map((m) => m.payload.id));
      parts[count - 1].parts.count.should.equal(count);
    });

    it("sets the page headers itself, whatever a msg's own say", async () => {
      const msg = await run(
        { path: '/dedicated/server', mode: 'expand', pageSize: 5 },
        {
          requestHeaders: {
            'X-Pagination-Mode': 'CachedObjectList-Pages',
            'x-pagination-size': '7',
            'X-Pagination-Filter': 'state:eq=ok',
          },
        },
      );
      msg.payload.map((s: { name: string }) => s.name).should.eql(Object.keys(sim.data.servers));
      const asked = sim.received({ path: '/1.0/dedicated/server' }).map((r) => r.headers);
      asked.map((h) => h['x-pagination-number']).should.eql(['1', '2', '3']);
      asked.every((h) => h['x-pagination-size'] === '5' && h['x-pagination-filter'] === 'state:eq=ok').should.be.true();
    });

    it('keeps the objects read when a later page fails, and says which page', async () => {
      sim.onReceived = (r) => {
        if (r.path === '/1.0/dedicated/server' && r.headers['x-pagination-number'] === '2') {
          sim.injectFault({ kind: 'status', status: 404, path: '/1.0/dedicated/server' });
        }
      };
      try {
        const msg = await run({ path: '/dedicated/server', mode: 'expand', pageSize: 5 }, {}, 'caught');
        msg.payload.map((s: { name: string }) => s.name).should.eql(Object.keys(sim.data.servers).slice(0, 5));
        msg.ovh.failures.should.match([{ id: 'page 2', index: 5, statusCode: 404 }]);
      } finally {
        sim.onReceived = undefined;
      }
    });

    it('falls back to one call per id when the list answers ids despite the headers', async () => {
      sim.cachedObjectLists = false;
      try {
        const msg = await run({ path: '/dedicated/server', mode: 'expand' }, {});
        msg.payload.should.eql(Object.values(sim.data.servers));
        should(msg.ovh.objects).be.undefined();
        sim.count({ path: /^\/1\.0\/dedicated\/server/ }).should.equal(13);
      } finally {
        sim.cachedObjectLists = true;
      }
    });
  });

  describe('environment variables', () => {
    const names = ['OVH_ENDPOINT', 'OVH_APPLICATION_KEY', 'OVH_APPLICATION_SECRET', 'OVH_CONSUMER_KEY'];
    const saved: Record<string, string | undefined> = {};
    beforeEach(() => names.forEach((n) => (saved[n] = process.env[n])));
    afterEach(() =>
      names.forEach((n) => {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }),
    );

    it('reads the keys and endpoint from OVH_* when the dialog says so, ignoring stored ones', async () => {
      process.env.OVH_ENDPOINT = sim.baseUrl;
      process.env.OVH_APPLICATION_KEY = DEFAULT_APP.appKey;
      process.env.OVH_APPLICATION_SECRET = DEFAULT_APP.appSecret;
      process.env.OVH_CONSUMER_KEY = sim.addConsumerKey();
      const flow = requestFlow(sim, {}, { credentialsFrom: 'env', endpoint: 'ovh-eu', url: '' });
      await load(flow, { acc: { appKey: 'stored-but-unused', appSecret: 'x', consumerKey: 'y' } });
      const out = receive('out');
      helper.getNode('req').receive({});
      (await out)[0].payload.nichandle.should.equal('xx1234-ovh');
      sim.received({ path: '/1.0/me' })[0].headers['x-ovh-consumer']!.should.equal(process.env.OVH_CONSUMER_KEY);
    });

    it('refuses an OVH_ENDPOINT holding "?" or "#" before anything is sent', async () => {
      process.env.OVH_ENDPOINT = sim.baseUrl + '#';
      process.env.OVH_APPLICATION_KEY = DEFAULT_APP.appKey;
      process.env.OVH_APPLICATION_SECRET = DEFAULT_APP.appSecret;
      process.env.OVH_CONSUMER_KEY = sim.addConsumerKey();
      await load(requestFlow(sim, {}, { credentialsFrom: 'env' }), {});
      const caught = receive('caught');
      helper.getNode('req').receive({});
      (await caught)[0].error.message.should.match(/must not hold a query or a fragment/);
      sim.count().should.equal(0);
    });

    it('names the missing variables', async () => {
      names.forEach((n) => delete process.env[n]);
      await load(requestFlow(sim, {}, { credentialsFrom: 'env' }), {});
      const caught = receive('caught');
      helper.getNode('req').receive({});
      (await caught)[0].error.message.should.match(
        /Missing environment variable\(s\): OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY/,
      );
    });

    it('never takes keys from the environment unless chosen', async () => {
      process.env.OVH_APPLICATION_KEY = DEFAULT_APP.appKey;
      process.env.OVH_APPLICATION_SECRET = DEFAULT_APP.appSecret;
      process.env.OVH_CONSUMER_KEY = sim.addConsumerKey();
      await load(requestFlow(sim, {}), {});
      const caught = receive('caught');
      helper.getNode('req').receive({});
      (await caught)[0].error.message.should.match(/Missing credentials/);
      sim.count().should.equal(0);
    });
  });

  describe('redeploy', () => {
    it('ends every msg in flight with done when the flow stops, and sends nothing after', async () => {
      await load(requestFlow(sim, { path: '/me' }), signatureCredentials(sim));
      const warm = receive('out');
      helper.getNode('req').receive({});
      await warm;
      sim.resetCounters();
      sim.injectFault({ kind: 'slow', path: '/1.0/me', delayMs: 3000, count: 50 });
      const completions = watchCompletions();
      try {
        for (let i = 0; i < 50; i++) helper.getNode('req').receive({ _msgid: `m${i}` });
        await new Promise((r) => setTimeout(r, 200));
        sim.count({ path: '/1.0/me' }).should.equal(50);
        const started = Date.now();
        await helper.unload();
        (Date.now() - started).should.be.below(1500);
        completions.events.length.should.equal(50);
        new Set(completions.events.map((e) => e.msgid)).size.should.equal(50);
        completions.events
          .every((e) => e.error instanceof Error && /closed|aborted/.test((e.error as Error).message))
          .should.be.true();
        await new Promise((r) => setTimeout(r, 100));
        sim.count({ path: '/1.0/me' }).should.equal(50);
      } finally {
        completions.stop();
      }
    });
  });
});
