/** Running our nodes in the real Node-RED runtime through node-red-node-test-helper. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import credentialsNode from '../../nodes/ovh-credentials';
import requestNode from '../../nodes/ovh-request';
import watchNode from '../../nodes/ovh-watch';
import { DEFAULT_APP, OvhSimulator, type SimulatorOptions } from '../simulator/simulator';

import { resolveFromNodeRed } from './runtime';

export { FAST_TASK_POLLING, watchEvery } from './runtime';

helper.init(resolveFromNodeRed('node-red'));
// The hooks of the same runtime the helper loaded.
const { hooks } = require(resolveFromNodeRed('@node-red/util')) as typeof import('@node-red/util');

export { helper };
export const ourNodes = [credentialsNode, requestNode, watchNode];

export type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The ovh-credentials node of a test flow, pointed at the simulator. */
export function accountNode(sim: OvhSimulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'acc',
    type: 'ovh-credentials',
    name: 'sim',
    endpoint: 'custom',
    url: sim.baseUrl,
    authType: 'signature',
    credentialsFrom: 'node',
    ...extra,
  };
}

export function signatureCredentials(
  sim: OvhSimulator,
  consumerKey = sim.addConsumerKey(),
): Record<string, Record<string, string>> {
  return { acc: { appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret, consumerKey } };
}

/**
 * A flow of one ovh-request node ("req") wired to a helper node ("out"), a second helper on its
 * second output ("failed") when errorOutput is on, and a Catch node wired to "caught".
 */
export function requestFlow(
  sim: OvhSimulator,
  request: Record<string, unknown>,
  account: Record<string, unknown> = {},
): Array<Record<string, unknown>> {
  const errorOutput = request.errorOutput === true;
  // Nodes without x and y count as config nodes in Node-RED's flow parser: flow nodes need them.
  const at = { z: 'flow', x: 100, y: 100 };
  return [
    { id: 'flow', type: 'tab', label: 'test' },
    accountNode(sim, account),
    {
      id: 'req',
      ...at,
      type: 'ovh-request',
      account: 'acc',
      method: 'GET',
      path: '/me',
      wires: errorOutput ? [['out'], ['failed']] : [['out']],
      ...request,
    },
    { id: 'out', ...at, type: 'helper' },
    { id: 'failed', ...at, type: 'helper' },
    { id: 'catch', ...at, type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', ...at, type: 'helper' },
  ];
}

/** A core node of the Node-RED the tests run, e.g. `function/10-function.js`. */
let watches = 0;

/**
 * A flow of one ovh-watch node wired to a helper node ("out"), and a Catch node of it wired to
 * "caught". Each flow's watch has an id of its own unless `watch.id` gives one: a watch keeps
 * what it saw by node id for as long as Node-RED runs (a redeploy forgets nothing).
 */
export function watchFlow(
  sim: OvhSimulator,
  watch: Record<string, unknown>,
  extra: Array<Record<string, unknown>> = [],
): Array<Record<string, unknown>> {
  const id = (watch.id as string | undefined) ?? `watch-${++watches}`;
  return [
    { id: 'flow', type: 'tab', label: 'test' },
    accountNode(sim),
    { type: 'ovh-watch', z: 'flow', x: 100, y: 100, account: 'acc', wires: [['out']], ...watch, id },
    { id: 'out', type: 'helper', z: 'flow', x: 300, y: 100 },
    { id: 'catch', type: 'catch', z: 'flow', x: 100, y: 200, scope: [id], wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'flow', x: 300, y: 200 },
    ...extra,
  ];
}

export function coreNode(file: string): unknown {
  return require(path.join(path.dirname(resolveFromNodeRed('@node-red/nodes/package.json')), 'core', file));
}

/** Loads a flow with our nodes and any core nodes it uses. */
export async function load(
  flow: Array<Record<string, unknown>>,
  credentials: Record<string, unknown>,
  extraNodes: unknown[] = [],
): Promise<void> {
  await helper.load([...extraNodes, ...ourNodes], flow, credentials);
}

/** Resolves with the next `count` messages a helper node receives. */
export function receive(id: string, count = 1, timeoutMs = 5000): Promise<Msg[]> {
  const node = helper.getNode(id);
  const msgs: Msg[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id} got ${msgs.length} of ${count} messages`)), timeoutMs);
    node.on('input', (msg: Msg) => {
      msgs.push(msg);
      if (msgs.length === count) {
        clearTimeout(timer);
        resolve(msgs);
      }
    });
  });
}

/**
 * What left a loaded flow: the first msg at "out", or `{ caught }` holding the msg a Catch node
 * sent to "caught". Set up before the msg is sent.
 */
export function outOrCaught(): Promise<Msg> {
  return Promise.race([receive('out').then(([msg]) => msg), receive('caught').then(([msg]) => ({ caught: msg }))]);
}

/** Gives `msg` to a node of the loaded flow ("req" unless named) and resolves with what left the flow (outOrCaught). */
export async function sendThrough(msg: Msg, to = 'req'): Promise<Msg> {
  const answer = outOrCaught();
  helper.getNode(to).receive(msg);
  return answer;
}

/**
 * The load-send-receive run: a request flow (requestFlow) with a valid key, `msg` given to its
 * request node, and what left the flow (outOrCaught), or the first msg at the helper node `at`.
 */
export async function runRequest(
  sim: OvhSimulator,
  request: Record<string, unknown>,
  msg: Msg,
  options: { account?: Record<string, unknown>; at?: string } = {},
): Promise<Msg> {
  await load(requestFlow(sim, request, options.account), signatureCredentials(sim));
  if (options.at === undefined) return sendThrough(msg);
  const received = receive(options.at);
  helper.getNode('req').receive(msg);
  return (await received)[0];
}

/** An admin endpoint's answer, as the tests read it. */
export interface AdminAnswer {
  status: number;
  body: Msg;
  text: string;
}

/** POSTs a JSON body to an admin endpoint of the test runtime. */
export async function adminPost(route: string, body: unknown): Promise<AdminAnswer> {
  const res = await helper
    .request()
    .post(route)
    .send(body as object)
    .set('Content-Type', 'application/json');
  return { status: res.status, body: res.body, text: res.text };
}

/** GETs an admin endpoint of the test runtime, with a query. */
export async function adminGet(route: string, query: Record<string, string> = {}): Promise<AdminAnswer> {
  const res = await helper.request().get(route).query(query);
  return { status: res.status, body: res.body, text: res.text };
}

/**
 * A Node-RED user directory of a describe block's own (where the catalogue keeps the API's
 * descriptions, which deploy checks read), removed after its last test.
 */
export function useUserDir(prefix: string): string {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  before(() => helper.settings({ userDir }));
  after(() => {
    helper.settings({});
    fs.rmSync(userDir, { recursive: true, force: true });
  });
  return userDir;
}

/** Runtime settings for a describe block: given before its first test, cleared after its last. */
export function useSettings(settings: Record<string, unknown>): void {
  before(() => helper.settings(settings));
  after(() => helper.settings({}));
}

/** Every done() of our ovh-request nodes, with its error if any: proof that each msg ended. */
export function watchCompletions(): { events: Array<{ msgid: string; error?: unknown }>; stop(): void } {
  const events: Array<{ msgid: string; error?: unknown }> = [];
  hooks.add('onComplete.ovh-test', (event) => {
    if (event.node?.node?.type === 'ovh-request') events.push({ msgid: event.msg?._msgid, error: event.error });
  });
  return { events, stop: () => hooks.remove('onComplete.ovh-test') };
}

let handledHooks = 0;

/**
 * Resolves once a node that handles each msg at once (a filter, a switch, a change to msg) has
 * been given `count` more msgs, with how many msgs it sent meanwhile: proof of what it let through,
 * even nothing. Node-RED passes sent msgs on asynchronously, so nothing reached the next node yet.
 */
export function handled(id: string, count = 1, timeoutMs = 5000): Promise<{ sent: number }> {
  const label = `ovh-test-handled-${++handledHooks}`;
  let seen = 0;
  let sent = 0;
  const stop = () => {
    hooks.remove(`postReceive.${label}`);
    hooks.remove(`onSend.${label}`);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${id} was given ${seen} of ${count} messages`));
    }, timeoutMs);
    hooks.add(`onSend.${label}`, (events: Array<{ source?: { id?: string } }>) => {
      sent += events.filter((e) => e.source?.id === id).length;
    });
    hooks.add(`postReceive.${label}`, (event) => {
      if (event.destination?.id !== id || ++seen < count) return;
      clearTimeout(timer);
      stop();
      resolve({ sent });
    });
  });
}

/** Log lines the runtime wrote (warnings, errors), as [level, text]. */
export function logLines(): Array<{ level: number; text: string; type?: string }> {
  type Entry = { level: number; msg: unknown; type?: string };
  return helper
    .log()
    .args.map((args: Entry[]) => args[0])
    .filter((e: Entry) => e && typeof e.level === 'number')
    .map((e: Entry) => ({ level: e.level, type: e.type, text: String(e.msg instanceof Error ? e.msg.message : e.msg) }));
}

/**
 * The runtime of a describe block, in one line: a simulator and the test helper's server for
 * the block (handed to `started`), the simulator's counters and faults reset before each test,
 * the flows unloaded after each.
 */
export function useRuntime(started: (sim: OvhSimulator) => void, options: SimulatorOptions = {}): void {
  let sim: OvhSimulator | undefined;
  before(async () => {
    sim = await startRuntime(options);
    started(sim);
  });
  after(() => stopRuntime(sim));
  beforeEach(() => sim?.resetCounters());
  afterEach(() => helper.unload());
}

/** A simulator and the test helper's server, for a describe block's before hook. */
async function startRuntime(options: SimulatorOptions = {}): Promise<OvhSimulator> {
  const sim = await OvhSimulator.start(options);
  await helper.startServer();
  return sim;
}

/** The after hook's counterpart of startRuntime: flows unloaded, servers stopped. */
async function stopRuntime(sim: OvhSimulator | undefined): Promise<void> {
  await helper.unload();
  await helper.stopServer();
  await sim?.close();
}
