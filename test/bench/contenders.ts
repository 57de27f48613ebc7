/**
 * The ways a program or a flow can call the OVHcloud API, each behind the same interface:
 * make one signed GET or POST and wait for its answer.
 */
import https from 'node:https';
import { Agent, Pool, request } from 'undici';
import { OvhClient, signRequest } from '../../nodes/client';
import { DEFAULT_APP } from '../simulator/simulator';
import { resolveFromNodeRed } from '../helpers/runtime';

/**
 * Node-RED and the test helper, loaded only by the flow contenders: a process that measures a
 * client alone must not carry a runtime in its heap.
 */
const nodeRed = () => require('../helpers/node-red') as typeof import('../helpers/node-red');

export type Kind = 'GET' | 'POST';

export interface Target {
  /** https://127.0.0.1:PORT */
  origin: string;
  consumerKey: string;
  /** The server's certificate (PEM), given to the contenders that take a CA (NODE_EXTRA_CA_CERTS trusts it too). */
  ca?: string;
}

export interface Contender {
  name: string;
  /** Prepares a fresh instance (new connections, no cached time). */
  open(target: Target): Promise<void>;
  call(kind: Kind): Promise<void>;
  close(): Promise<void>;
}

/** The workload: a signed GET of /me, and a signed POST of a small JSON body. */
export const GET_PATH = '/me';
export const POST_PATH = '/echo/bench';
export const POST_BODY = { message: 'bench ✓', receivers: ['+33601020304'], n: 1 };

function ascii(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}
const POST_TEXT = ascii(JSON.stringify(POST_BODY));

function check(status: number, what: string): void {
  if (status >= 400) throw new Error(`${what} answered ${status}`);
}

/** 1. The ceiling: undici with headers computed once, no signing and no parsing per call. */
export function ceiling(): Contender {
  let agent: Agent;
  let headers: Record<Kind, Record<string, string>>;
  let urls: Record<Kind, string>;
  return {
    name: 'ceiling (raw undici)',
    async open(target) {
      agent = new Agent();
      // Precomputed once: the simulator accepts a timestamp for 300 s in the benchmark.
      const ts = Math.floor(Date.now() / 1000);
      // Normalised as sent (no default port): that is what the server checks the signature against.
      urls = { GET: new URL(`${target.origin}/1.0${GET_PATH}`).href, POST: new URL(`${target.origin}/1.0${POST_PATH}`).href };
      const sign = (kind: Kind, body: string) => ({
        'x-ovh-application': DEFAULT_APP.appKey,
        'x-ovh-consumer': target.consumerKey,
        'x-ovh-timestamp': String(ts),
        'x-ovh-signature': signRequest(DEFAULT_APP.appSecret, target.consumerKey, kind, urls[kind], body, ts),
      });
      headers = { GET: sign('GET', ''), POST: { ...sign('POST', POST_TEXT), 'content-type': 'application/json' } };
    },
    async call(kind) {
      const res = await request(urls[kind], {
        method: kind,
        headers: headers[kind],
        body: kind === 'POST' ? POST_TEXT : undefined,
        dispatcher: agent,
      });
      await res.body.dump();
      check(res.statusCode, 'ceiling');
    },
    async close() {
      await agent.close();
    },
  };
}

/**
 * 1b. The lean ceiling, "signed raw": what any client must do per call, on raw undici: a Pool for
 * the origin with as many connections as calls at once, a fresh timestamp (server time fetched
 * once) and SHA-1 signature per call, the answer parsed with body.json().
 */
export function signedCeiling(connections?: number): Contender {
  let pool: Pool;
  let target: Target;
  let signedOrigin: string;
  let delta = 0;
  return {
    name: 'signed raw (undici Pool)',
    async open(t) {
      target = t;
      pool = new Pool(t.origin, { connections, connect: { ca: t.ca } });
      signedOrigin = new URL(t.origin).origin; // as undici sends it: no default port
      const time = await pool.request({ path: '/1.0/auth/time', method: 'GET' });
      delta = Number(await time.body.json()) - Math.floor(Date.now() / 1000);
    },
    async call(kind) {
      const path = '/1.0' + (kind === 'GET' ? GET_PATH : POST_PATH);
      const body = kind === 'POST' ? POST_TEXT : '';
      const ts = String(Math.floor(Date.now() / 1000) + delta);
      const headers: Record<string, string> = {
        'x-ovh-application': DEFAULT_APP.appKey,
        'x-ovh-consumer': target.consumerKey,
        'x-ovh-timestamp': ts,
        'x-ovh-signature': signRequest(DEFAULT_APP.appSecret, target.consumerKey, kind, signedOrigin + path, body, ts),
      };
      if (body) headers['content-type'] = 'application/json';
      const res = await pool.request({ path, method: kind, headers, body: body || undefined });
      await res.body.json();
      check(res.statusCode, 'signed raw');
    },
    async close() {
      await pool.close();
    },
  };
}

/** 2. This package's client. */
export function packageClient(): Contender {
  let client: OvhClient;
  return {
    name: 'this package: client',
    async open(target) {
      client = new OvhClient({
        endpoint: `${target.origin}/1.0`,
        appKey: DEFAULT_APP.appKey,
        appSecret: DEFAULT_APP.appSecret,
        consumerKey: target.consumerKey,
        ca: target.ca,
      });
    },
    async call(kind) {
      if (kind === 'GET') await client.get(GET_PATH);
      else await client.post(POST_PATH, POST_BODY);
    },
    async close() {
      await client.close();
    },
  };
}

/** Keeps one runtime for the two flow-based contenders (the helper starts one per process). */
let helperStarted = false;
/** Node-RED's own Node methods, before the test helper wraps them. */
let nodeMethods: Record<string, unknown> | undefined;
async function loadFlow(
  flow: Array<Record<string, unknown>>,
  credentials: Record<string, unknown>,
  extraNodes: unknown[] = [],
): Promise<void> {
  const { helper, ourNodes } = nodeRed();
  if (!helperStarted) {
    helper.settings({ functionGlobalContext: { crypto: require('node:crypto') } });
    await helper.startServer();
    helperStarted = true;
  }
  const proto = helper._NodePrototype as Record<string, unknown>;
  nodeMethods ??= Object.fromEntries(Object.getOwnPropertyNames(proto).map((name) => [name, proto[name]]));
  await helper.load([...ourNodes, ...extraNodes], flow, credentials);
  // The test helper wraps node methods in sinon spies (behind proxies that sinon's restore does
  // not remove) which keep every call's arguments and stack: right for tests, wrong for a
  // benchmark. Put Node-RED's own methods back: the runtime is then as users run it.
  helper._sandbox.restore();
  for (const [name, method] of Object.entries(nodeMethods)) if (proto[name] !== method) proto[name] = method;
  // Node-RED copies the prototype's send onto each wired node when it starts (updateWires).
  for (const def of flow) {
    const node = helper.getNode(def.id as string) as (Record<string, unknown> & { _wireCount?: number }) | null;
    if (node && Object.prototype.hasOwnProperty.call(node, 'send') && node._wireCount) node.send = nodeMethods.send;
  }
}

/** Sends msgs into a node and resolves each when it comes out (or is caught). */
function messagePump(inputId: string, outputIds: string[]) {
  const { helper } = nodeRed();
  const waiting = new Map<string, { resolve(): void; reject(e: Error): void }>();
  let next = 0;
  for (const id of outputIds) {
    helper.getNode(id).on('input', (msg: { _msgid: string; error?: { message: string }; statusCode?: number }) => {
      const entry = waiting.get(msg._msgid);
      if (!entry) return;
      waiting.delete(msg._msgid);
      if (msg.error || (msg.statusCode ?? 0) >= 400) entry.reject(new Error(msg.error?.message ?? `status ${msg.statusCode}`));
      else entry.resolve();
    });
  }
  return (fields: Record<string, unknown>) =>
    new Promise<void>((resolve, reject) => {
      const _msgid = `b${next++}`;
      waiting.set(_msgid, { resolve, reject });
      helper.getNode(inputId).receive({ _msgid, ...fields });
    });
}

const at = { z: 'bench', x: 100, y: 100 };

/**
 * A contender that is a flow: `load` deploys it and names the node messages go into; each call
 * is one msg in, its answer (or failure) out.
 */
function flowContender(name: string, load: (target: Target) => Promise<string>): Contender {
  let send: (fields: Record<string, unknown>) => Promise<void>;
  return {
    name,
    async open(target) {
      send = messagePump(await load(target), ['out']);
    },
    call(kind) {
      return kind === 'GET'
        ? send({ method: 'GET', path: GET_PATH })
        : send({ method: 'POST', path: POST_PATH, payload: POST_BODY });
    },
    async close() {
      await nodeRed().helper.unload();
    },
  };
}

/** 3. Messages through ovh-request in the Node-RED runtime. */
export function requestNode(): Contender {
  return flowContender('this package: ovh-request node', async (target) => {
    await loadFlow(
      [
        { id: 'bench', type: 'tab', label: 'bench' },
        {
          id: 'acc',
          type: 'ovh-credentials',
          endpoint: 'custom',
          url: `${target.origin}/1.0`,
          authType: 'signature',
          credentialsFrom: 'node',
        },
        { id: 'req', ...at, type: 'ovh-request', account: 'acc', method: 'msg', path: '', wires: [['out']] },
        { id: 'out', ...at, type: 'helper' },
        { id: 'catch', ...at, type: 'catch', scope: null, uncaught: false, wires: [['out']] },
      ],
      { acc: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey: target.consumerKey } },
    );
    return 'req';
  });
}

interface OfficialClient {
  requestPromised(method: string, path: string, body?: unknown): Promise<unknown>;
}

/** 4. The official Node.js clients: npm `ovh` 2.0.3 and `@ovhcloud/node-ovh` 3.0.0. */
export function officialClient(module: 'ovh' | '@ovhcloud/node-ovh'): Contender {
  let client: OfficialClient;
  return {
    name: `official client (${module})`,
    async open(target) {
      const url = new URL(target.origin);
      // Each instance is new, but the module caches nothing per process besides Node's global agent.
      const factory = require(module) as (options: Record<string, unknown>) => OfficialClient;
      client = factory({
        appKey: DEFAULT_APP.appKey,
        appSecret: DEFAULT_APP.appSecret,
        consumerKey: target.consumerKey,
        host: url.hostname,
        port: Number(url.port),
        basePath: '/1.0',
      });
    },
    async call(kind) {
      if (kind === 'GET') await client.requestPromised('GET', GET_PATH);
      else await client.requestPromised('POST', POST_PATH, POST_BODY);
    },
    async close() {
      // These clients use Node's global https agent: drop its kept-alive sockets, so that the
      // next instance starts as cold as every other contender's.
      https.globalAgent.destroy();
    },
  };
}

/** 5. The seed's way: GET /auth/time before every call, then the signed call. */
export function seedWay(): Contender {
  let agent: Agent;
  let target: Target;
  return {
    name: 'seed: /auth/time before each call',
    async open(t) {
      target = t;
      agent = new Agent();
    },
    async call(kind) {
      const time = await request(`${target.origin}/1.0/auth/time`, { dispatcher: agent });
      const ts = Number(await time.body.text());
      const url = `${target.origin}/1.0${kind === 'GET' ? GET_PATH : POST_PATH}`;
      const body = kind === 'POST' ? JSON.stringify(POST_BODY) : '';
      const res = await request(url, {
        method: kind,
        dispatcher: agent,
        body: body || undefined,
        headers: {
          'x-ovh-application': DEFAULT_APP.appKey,
          'x-ovh-consumer': target.consumerKey,
          'x-ovh-timestamp': String(ts),
          'x-ovh-signature': signRequest(DEFAULT_APP.appSecret, target.consumerKey, kind, url, body, ts),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      });
      JSON.parse(await res.body.text());
      check(res.statusCode, 'seed');
    },
    async close() {
      await agent.close();
    },
  };
}

/** The function node a user writes by hand today: sign with the local clock, then the core http request node. */
const SIGNING_FUNCTION = `
const crypto = global.get('crypto');
const c = flow.get('ovh');
const ts = Math.floor(Date.now() / 1000);
const body = msg.method === 'POST' ? JSON.stringify(msg.payload) : '';
msg.url = c.base + msg.path;
const sig = '$1$' + crypto.createHash('sha1').update([c.secret, c.ck, msg.method, msg.url, body, ts].join('+')).digest('hex');
msg.headers = { 'X-Ovh-Application': c.ak, 'X-Ovh-Consumer': c.ck, 'X-Ovh-Timestamp': String(ts), 'X-Ovh-Signature': sig };
if (body) { msg.headers['Content-Type'] = 'application/json'; msg.payload = body; } else { delete msg.payload; }
return msg;`;

/** 6. The core http request node with a function node computing the signature. */
export function handMadeFlow(): Contender {
  const core = (file: string) => require(resolveFromNodeRed(`@node-red/nodes/core/${file}`));
  return flowContender('hand-made flow: function + http request', async (target) => {
    await loadFlow(
      [
        { id: 'bench', type: 'tab', label: 'bench' },
        { id: 'sign', ...at, type: 'function', func: SIGNING_FUNCTION, outputs: 1, libs: [], wires: [['http']] },
        {
          id: 'http',
          ...at,
          type: 'http request',
          method: 'use',
          ret: 'obj',
          paytoqs: 'ignore',
          url: '',
          persist: true,
          wires: [['out']],
        },
        { id: 'out', ...at, type: 'helper' },
        { id: 'catch', ...at, type: 'catch', scope: null, uncaught: false, wires: [['out']] },
      ],
      {},
      [core('function/10-function.js'), core('network/21-httprequest.js')],
    );
    nodeRed()
      .helper.getNode('sign')
      .context()
      .flow.set('ovh', {
        base: `${target.origin}/1.0`,
        ak: DEFAULT_APP.appKey,
        secret: DEFAULT_APP.appSecret,
        ck: target.consumerKey,
      });
    return 'sign';
  });
}

export async function stopRuntime(): Promise<void> {
  if (helperStarted) await nodeRed().helper.stopServer();
}
