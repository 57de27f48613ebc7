/**
 * A real Node-RED, started as its own process the way a user runs it, with this package
 * installed in its user directory. Used where the test helper's stand-ins are not enough:
 * adminAuth, the editor in a browser, the packed tarball.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './index';
import { nodeRedDir } from './runtime';

export interface NodeRedOptions {
  /** Users with these permissions ('*' or 'read'); password "password" for each. */
  users?: Array<{ username: string; permissions: string }>;
  /** Where the package comes from: a directory to link (default: this checkout) or a folder it was installed to. */
  packageDir?: string;
  /** Other node modules to install beside it (name: the directory linked), e.g. a dashboard. */
  modules?: Record<string, string>;
  /** Install nothing: the user dir's node_modules is prepared by the caller. */
  userDir?: string;
  env?: NodeJS.ProcessEnv;
  /** The Node.js binary (default: this one) and Node-RED's red.js (default: this checkout's). */
  nodeBinary?: string;
  redJs?: string;
  /** Listen on this port (default: any free one). */
  port?: number;
  /** Copy what Node-RED prints to this process's output. */
  echo?: boolean;
  /** More of Node-RED's settings (contextStorage...), as JSON. */
  settings?: Record<string, unknown>;
  /**
   * The source of a settings module (`module.exports = {...}`) written into the user dir and
   * merged over the other settings, as a user adds such a file to settings.js.
   */
  settingsModule?: string;
  /** JavaScript run at the end of settings.js, for settings JSON cannot hold (a context store module). */
  settingsCode?: string;
}

export interface StartedNodeRed {
  url: string;
  /** The Node-RED process (to read its memory from /proc). */
  pid: number;
  userDir: string;
  /** Everything the process printed. */
  output: string[];
  stop(): Promise<void>;
}

/**
 * Node-RED's own measure of its event loop, from its settings.js, as test/helpers/event-loop.ts
 * measures this process's: each half second, the longest gap between the ticks of a 5 ms timer,
 * counting only the time Node-RED's main thread ran on a core in that gap (a gap while the
 * machine ran other processes, or Node-RED's worker thread, is not a hold), appended to a file of
 * the user dir. Give it as `settingsCode`; read it with eventLoopHolds().
 */
const HOLDS_FILE = 'event-loop-holds.txt';
export const HOLDS_RECORDER = `{
  const fs = require('node:fs');
  const file = require('node:path').join(__dirname, ${JSON.stringify(HOLDS_FILE)});
  const cpuMs = () => Number(fs.readFileSync('/proc/self/task/' + process.pid + '/schedstat', 'utf8').split(' ')[0]) / 1e6;
  let last = performance.now();
  let lastCpu = cpuMs();
  let held = 0;
  setInterval(() => {
    const now = performance.now();
    const cpu = cpuMs();
    held = Math.max(held, Math.min(now - last - 5, cpu - lastCpu));
    last = now;
    lastCpu = cpu;
  }, 5).unref();
  setInterval(() => {
    fs.appendFileSync(file, Math.round(held) + ' ');
    held = 0;
  }, 500).unref();
}`;

/** The longest hold of a Node-RED's event loop in each half second since it started (HOLDS_RECORDER), in ms. */
export function eventLoopHolds(nodeRed: StartedNodeRed): number[] {
  return fs.readFileSync(path.join(nodeRed.userDir, HOLDS_FILE), 'utf8').trim().split(/\s+/).map(Number);
}

export const CREDENTIAL_SECRET = 'test-credential-secret';

/** What Node-RED prints once it listens, in English or (settings `lang: 'fr'`) in French. */
const SERVER_RUNNING = /Server now running|Le serveur est disponible/;

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A user dir with this package installed as a user would have it (a link to `packageDir`), and
 * other node modules beside it (name: the directory to link), as if installed from the palette.
 */
export function makeUserDir(packageDir = repoRoot, modules: Record<string, string> = {}): string {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-nr-'));
  const installed = { 'node-red-contrib-ovhcloud': packageDir, ...modules };
  for (const [name, dir] of Object.entries(installed)) {
    const link = path.join(userDir, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(dir, link, 'dir');
  }
  const dependencies = Object.fromEntries(Object.keys(installed).map((name) => [name, '*']));
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true, dependencies }));
  return userDir;
}

export async function startNodeRed(options: NodeRedOptions = {}): Promise<StartedNodeRed> {
  const userDir = options.userDir ?? makeUserDir(options.packageDir, options.modules);
  const port = options.port ?? (await freePort());
  const settings: Record<string, unknown> = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: CREDENTIAL_SECRET,
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { tours: false, projects: { enabled: false } },
    externalModules: { palette: { allowInstall: false } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    ...options.settings,
  };
  let settingsJs = `module.exports = ${JSON.stringify(settings, null, 2)};\n`;
  if (options.users) {
    // bcryptjs comes with Node-RED; the hash is made when the settings are read.
    settingsJs += `const bcrypt = require(${JSON.stringify(require.resolve('bcryptjs'))});
module.exports.adminAuth = { type: 'credentials', users: ${JSON.stringify(options.users)}.map((u) => ({ ...u, password: bcrypt.hashSync('password', 4) })) };\n`;
  }
  if (options.settingsModule !== undefined) {
    fs.writeFileSync(path.join(userDir, 'settings-module.js'), options.settingsModule);
    settingsJs += `Object.assign(module.exports, require('./settings-module.js'));\n`;
  }
  if (options.settingsCode) settingsJs += options.settingsCode + '\n';
  fs.writeFileSync(path.join(userDir, 'settings.js'), settingsJs);

  const redJs = options.redJs ?? path.join(nodeRedDir, 'red.js');
  const child: ChildProcess = spawn(
    options.nodeBinary ?? process.execPath,
    [redJs, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')],
    {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let started = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start in 60 s:\n${output.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (options.echo) process.stdout.write(chunk);
      if (!started && SERVER_RUNNING.test(output.join(''))) {
        started = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (options.echo) process.stderr.write(chunk);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`Node-RED exited with ${code}:\n${output.join('')}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    userDir,
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      if (!options.userDir) fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/** A parsed JSON answer, read freely by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Calls Node-RED's admin API. */
export async function admin(
  nodeRed: StartedNodeRed,
  method: string,
  urlPath: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; text: string }> {
  const res = await fetch(nodeRed.url + urlPath, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, text };
}

export async function login(nodeRed: StartedNodeRed, username: string, scope = '*'): Promise<string> {
  const res = await admin(nodeRed, 'POST', '/auth/token', {
    client_id: 'node-red-admin',
    grant_type: 'password',
    scope,
    username,
    password: 'password',
  });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

/** Deploys a whole flow with credentials, as the editor does. */
export async function deploy(
  nodeRed: StartedNodeRed,
  flows: Array<Record<string, unknown>>,
  credentials: Record<string, Record<string, string>> = {},
  token?: string,
): Promise<void> {
  const current = await admin(nodeRed, 'GET', '/flows', undefined, token, { 'Node-RED-API-Version': 'v2' });
  const withCredentials = flows.map((n) =>
    credentials[n.id as string] ? { ...n, credentials: credentials[n.id as string] } : n,
  );
  const res = await admin(nodeRed, 'POST', '/flows', { rev: current.body.rev, flows: withCredentials }, token, {
    'Node-RED-API-Version': 'v2',
    'Node-RED-Deployment-Type': 'full',
  });
  if (res.status !== 200) throw new Error(`deploy failed: ${res.status} ${res.text}`);
}

/**
 * Presses an inject node's button (`POST /inject/:id`), as the editor does. A deploy answers
 * before its nodes have started: until then the inject is unknown (404), so it is pressed again,
 * for at most 10 s.
 */
export async function inject(nodeRed: StartedNodeRed, id: string, token?: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await admin(nodeRed, 'POST', `/inject/${encodeURIComponent(id)}`, undefined, token);
    if (res.status === 200) return;
    if (res.status !== 404 || Date.now() > deadline) throw new Error(`inject ${id} failed: ${res.status} ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
