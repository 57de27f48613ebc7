/**
 * The lean regime, measured the way an outsider's probe does: the lean server in its own process,
 * each contender in a fresh process of its own (lean-contender.ts), warmed, then `calls` signed
 * GETs of /me at concurrency C in C async loops; the contenders take turns, each round starting
 * with another one; medians over rounds, with their spread. The ceiling, "signed raw", is an
 * undici Pool with C connections that computes the timestamp, the signature headers and
 * body.json() per call.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { LeanContenderKey, LeanSample } from './lean-contender';

export interface LeanOptions {
  origin: string;
  concurrencies: number[];
  rounds: number;
  calls: number;
  warmup: number;
  contenders: LeanContenderKey[];
  /** Contenders whose processes run under `node --cpu-prof`, their profiles written here. */
  profile?: { contenders: LeanContenderKey[]; dir: string };
  /** The server's counts so far. */
  serverStats(): Promise<LeanServerStats>;
}

export interface LeanServerStats {
  calls: number;
  refused: number;
  connections: number;
}

/** A sample, with what the server saw of it. */
export interface LeanServerSample extends LeanSample {
  /** TLS connections the contender opened, warm-up included (a handshake each). */
  connections: number;
}

export interface LeanResults {
  options: Omit<LeanOptions, 'origin' | 'serverStats'>;
  /** samples[contender][concurrency]: one per round, in round order. */
  samples: Partial<Record<LeanContenderKey, Record<number, LeanServerSample[]>>>;
  names: Partial<Record<LeanContenderKey, string>>;
}

export const ALL_LEAN_CONTENDERS: LeanContenderKey[] = ['raw', 'client', 'node', 'ovh', 'node-ovh'];

/** One sample: a fresh process for one contender, which exits once it has answered. */
function sampleInProcess(
  key: LeanContenderKey,
  options: LeanOptions,
  concurrency: number,
  profileDir: string | undefined,
): Promise<LeanSample> {
  const execArgv = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${key}-c${concurrency}-${Date.now()}.cpuprofile`]
    : [];
  const child = fork(
    path.join(__dirname, 'lean-contender.js'),
    [key, options.origin, String(concurrency), String(options.calls), String(options.warmup)],
    { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    let sample: LeanSample | undefined;
    child.once('message', (message) => (sample = message as LeanSample));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (sample) resolve(sample);
      else reject(new Error(`the lean contender ${key} at concurrency ${concurrency} exited (${code}) without a figure`));
    });
  });
}

export async function runLean(options: LeanOptions): Promise<LeanResults> {
  const samples: LeanResults['samples'] = {};
  const names: LeanResults['names'] = {};
  for (const key of options.contenders) samples[key] = Object.fromEntries(options.concurrencies.map((c) => [c, []]));
  const { contenders } = options;
  console.log(
    `Lean server: ${contenders.join(', ')}, concurrency ${options.concurrencies.join(', ')}, ${options.rounds} round(s) of ${options.calls} GETs (after ${options.warmup}), a fresh process per sample`,
  );
  for (const c of options.concurrencies) {
    for (let round = 1; round <= options.rounds; round++) {
      // Each round starts with another contender: no one always follows the same neighbour.
      const order = contenders.map((_k, i) => contenders[(i + round - 1) % contenders.length]);
      const line: string[] = [];
      for (const key of order) {
        const profileDir = options.profile?.contenders.includes(key) ? options.profile.dir : undefined;
        const before = await options.serverStats();
        const sample = await sampleInProcess(key, options, c, profileDir);
        const connections = (await options.serverStats()).connections - before.connections;
        if (sample.errors > 0) {
          throw new Error(`${sample.name} had ${sample.errors} errors at concurrency ${c}: ${sample.firstError}`);
        }
        samples[key]![c].push({ ...sample, connections });
        names[key] = sample.name;
        line.push(
          `${key} ${Math.round(sample.callsPerSecond)}/s ${sample.cpuUsPerCall.toFixed(0)} us (${sample.systemUsPerCall.toFixed(0)} system) ${connections} connections`,
        );
      }
      console.log(`  C=${c} round ${round}: ${line.join(', ')}`);
    }
  }
  const { origin: _origin, serverStats: _stats, ...kept } = options;
  return { options: kept, samples, names };
}

// ---- the report -----------------------------------------------------------------------------

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Figure {
  median: number;
  min: number;
  max: number;
}

function figure(values: number[]): Figure {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * `a` against `b`, round by round: the two samples of a round ran next to each other, so a
 * busier moment of the machine falls on both. Median and spread of those per-round ratios.
 */
function pairedRatio(a: LeanSample[], b: LeanSample[], field: 'callsPerSecond' | 'cpuUsPerCall'): Figure | undefined {
  const n = Math.min(a.length, b.length);
  if (n === 0) return undefined;
  return figure(Array.from({ length: n }, (_v, i) => a[i][field] / b[i][field]));
}

/** The targets the client and the node must meet at every concurrency. */
export const LEAN_TARGETS = {
  clientVsRaw: 0.95,
  clientVsOfficial: 1.15,
  cpuVsOfficial: 0.9,
  nodeVsClient: 0.8,
};

export interface LeanRow {
  concurrency: number;
  contender: LeanContenderKey;
  name: string;
  callsPerSecond: Figure;
  cpuUsPerCall: Figure;
  /** TLS connections opened per sample (warm-up included). */
  connections: Figure;
  vsRaw?: Figure;
  vsOvh?: Figure;
  vsNodeOvh?: Figure;
  cpuVsOvh?: Figure;
  cpuVsNodeOvh?: Figure;
  vsClient?: Figure;
}

export interface LeanVerdict {
  concurrency: number;
  what: string;
  value: number;
  target: string;
  met: boolean;
}

export function leanRows(results: LeanResults): { rows: LeanRow[]; verdicts: LeanVerdict[] } {
  const rows: LeanRow[] = [];
  const verdicts: LeanVerdict[] = [];
  const { samples, names } = results;
  for (const c of results.options.concurrencies) {
    const of = (key: LeanContenderKey) => samples[key]?.[c] ?? [];
    for (const key of results.options.contenders) {
      const own = of(key);
      const versus = (other: LeanContenderKey, field: 'callsPerSecond' | 'cpuUsPerCall') =>
        other === key ? undefined : pairedRatio(own, of(other), field);
      rows.push({
        concurrency: c,
        contender: key,
        name: names[key] ?? key,
        callsPerSecond: figure(own.map((s) => s.callsPerSecond)),
        cpuUsPerCall: figure(own.map((s) => s.cpuUsPerCall)),
        connections: figure(own.map((s) => s.connections)),
        vsRaw: versus('raw', 'callsPerSecond'),
        vsOvh: versus('ovh', 'callsPerSecond'),
        vsNodeOvh: versus('node-ovh', 'callsPerSecond'),
        cpuVsOvh: versus('ovh', 'cpuUsPerCall'),
        cpuVsNodeOvh: versus('node-ovh', 'cpuUsPerCall'),
        vsClient: versus('client', 'callsPerSecond'),
      });
    }
    const client = rows.find((r) => r.concurrency === c && r.contender === 'client');
    const node = rows.find((r) => r.concurrency === c && r.contender === 'node');
    const check = (what: string, f: Figure | undefined, target: number, atLeast: boolean) => {
      if (f) {
        verdicts.push({
          concurrency: c,
          what,
          value: f.median,
          target: `${atLeast ? '>=' : '<='} ${target}`,
          met: atLeast ? f.median >= target : f.median <= target,
        });
      }
    };
    check('client / signed raw, calls/s', client?.vsRaw, LEAN_TARGETS.clientVsRaw, true);
    check('client / ovh, calls/s', client?.vsOvh, LEAN_TARGETS.clientVsOfficial, true);
    check('client / @ovhcloud/node-ovh, calls/s', client?.vsNodeOvh, LEAN_TARGETS.clientVsOfficial, true);
    check('client / ovh, CPU per call', client?.cpuVsOvh, LEAN_TARGETS.cpuVsOfficial, false);
    check('client / @ovhcloud/node-ovh, CPU per call', client?.cpuVsNodeOvh, LEAN_TARGETS.cpuVsOfficial, false);
    check('ovh-request node / client, calls/s', node?.vsClient, LEAN_TARGETS.nodeVsClient, true);
  }
  return { rows, verdicts };
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const ratio = (f: Figure | undefined) => (f ? `${fixed(f.median, 2)}x [${fixed(f.min, 2)}-${fixed(f.max, 2)}]` : '');

/** The lean regime's section of docs/benchmark.md. */
export function leanMarkdown(results: LeanResults): string[] {
  const { rows, verdicts } = leanRows(results);
  const o = results.options;
  const lines = [
    "## Lean server: the clients' own cost",
    '',
    `A server in its own process (Node's \`https\`, a self-signed certificate) that answers \`GET /1.0/auth/time\` with the time and every other signed GET with one SHA-1 check of its signature and a fixed small JSON object. Each sample is one contender in a fresh process of its own: opened, warmed up (${o.warmup} calls), then ${o.calls} GETs of \`/me\` at concurrency C in C async loops; the contenders take turns, each round starting with another one; ${o.rounds} rounds. Calls/s and CPU per call (\`process.cpuUsage()\` of the contender's process) are medians over rounds, [lowest-highest]; a ratio is the median of the per-round ratios (the two samples of a round ran one after the other), [lowest-highest]. **Signed raw** is an undici \`Pool\` with C connections computing the timestamp, the signature headers and \`body.json()\` per call: the work any client must do. **This package: client** is \`new OvhClient({...})\` from the package's main with default options (and the test CA), \`client.get('/me')\`; the **ovh-request node** runs in Node-RED (node-red-node-test-helper) in its process, one msg per call; the official clients call \`requestPromised('GET', '/me')\`. *Connections*: the TLS connections the server saw the contender open (median per sample). Rerun with \`npm run bench -- --regime lean\` (\`--calls N --warmup N --rounds N --concurrency 1,16,128 --contenders raw,client,node,ovh,node-ovh\`; \`--profile client\` writes CPU profiles into bench-profiles/).`,
    '',
  ];
  for (const c of o.concurrencies) {
    lines.push(
      `### Concurrency ${c}`,
      '',
      '| contender | calls/s | vs signed raw | vs ovh | vs @ovhcloud/node-ovh | CPU per call | CPU vs ovh | CPU vs @ovhcloud/node-ovh | connections |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const row of rows.filter((r) => r.concurrency === c)) {
      const cps = row.callsPerSecond;
      const cpu = row.cpuUsPerCall;
      lines.push(
        `| ${row.name} | ${fixed(cps.median, 0)} [${fixed(cps.min, 0)}-${fixed(cps.max, 0)}] | ${ratio(row.vsRaw)} | ${ratio(row.vsOvh)} | ${ratio(row.vsNodeOvh)} | ${fixed(cpu.median, 0)} us [${fixed(cpu.min, 0)}-${fixed(cpu.max, 0)}] | ${ratio(row.cpuVsOvh)} | ${ratio(row.cpuVsNodeOvh)} | ${fixed(row.connections.median, 0)} |`,
      );
    }
    const node = rows.find((r) => r.concurrency === c && r.contender === 'node');
    if (node?.vsClient) lines.push('', `The ovh-request node against the client: ${ratio(node.vsClient)} calls/s.`);
    lines.push('');
  }
  if (verdicts.length > 0) {
    lines.push('### Targets', '', '| concurrency | what | median | target | |', '|---|---|---|---|---|');
    for (const v of verdicts) {
      lines.push(`| ${v.concurrency} | ${v.what} | ${fixed(v.value, 2)}x | ${v.target} | ${v.met ? 'met' : '**missed**'} |`);
    }
    lines.push('');
  }
  return lines;
}

/** The lean regime's part of docs/benchmark.json. */
export function leanJson(results: LeanResults): Record<string, unknown> {
  const { rows, verdicts } = leanRows(results);
  return { options: results.options, rows, verdicts, samples: results.samples };
}
