/**
 * The benchmark itself, in two regimes, each against a server in its own process:
 * - full: every contender on the same workload (3 signed GETs for 1 signed POST) against the
 *   HTTPS simulator, with all its checks, at several concurrencies, in interleaved rounds, as
 *   ratios to raw undici with precomputed headers; plus cold start, time calls, memory, faults.
 * - lean: signed GETs against a server that only answers and checks each signature, so that the
 *   clients' own cost shows; each contender in a fresh process per sample (lean.ts), as ratios to
 *   "signed raw" (an undici Pool that signs each call and parses each answer) and to the official
 *   clients.
 * Options: --quick, --rounds N, --regime full|lean|catalogue|lists|search (default all). Lean only:
 * --calls N, --warmup N, --concurrency 1,16,128, --contenders raw,client,node,ovh,node-ovh,
 * --profile client[,raw...] (their processes run under --cpu-prof, into bench-profiles/).
 * Only the regimes run are rewritten in docs/benchmark.md and docs/benchmark.json; the rest of
 * those files (other regimes, text written by hand) is kept.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../helpers';
import { ALL_LEAN_CONTENDERS, leanJson, leanMarkdown, runLean, type LeanResults, type LeanServerStats } from './lean';
import type { LeanContenderKey } from './lean-contender';
import { measureCatalogue, measureCatalogueMemory, type CatalogueFigures, type CatalogueMemoryFigures } from './catalogue';
import { measureLists, type ListFigures } from './lists';
import { measureSearch, type SearchFigures } from './search';
import {
  ceiling,
  handMadeFlow,
  officialClient,
  packageClient,
  requestNode,
  seedWay,
  stopRuntime,
  type Contender,
  type Kind,
  type Target,
} from './contenders';
import type { SimCommand, SimStats } from './sim-process';

/** The value after a flag, or undefined. */
function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}
const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const quick = process.argv.includes('--quick');
const ROUNDS = Number(flag('--rounds') ?? (quick ? 1 : 5));
const CONCURRENCIES = list(flag('--concurrency'))?.map(Number) ?? [1, 16, 128];
const SAMPLE_MS = quick ? 600 : 1500;
const MEMORY_CALLS = quick ? 5_000 : 50_000;
const FAULT_CALLS = quick ? 1_000 : 4_000;
/** Calls per lean sample, after a warm-up of LEAN_WARMUP calls in the same process. */
const LEAN_CALLS = Number(flag('--calls') ?? (quick ? 3_000 : 20_000));
const LEAN_WARMUP = Number(flag('--warmup') ?? (quick ? 1_000 : 5_000));
const LEAN_CONTENDER_KEYS = (list(flag('--contenders')) ?? ALL_LEAN_CONTENDERS) as LeanContenderKey[];
const PROFILED = list(flag('--profile')) as LeanContenderKey[] | undefined;
const REGIMES = list(flag('--regime')) ?? ['full', 'lean', 'catalogue', 'lists', 'search'];

declare const gc: () => void;

interface Sample {
  calls: number;
  errors: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerCall: number;
}

// ---- the simulator process ------------------------------------------------------------------

let sim: ChildProcess;
function simAsk<T>(command: SimCommand, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string } & Record<string, unknown>) => {
      if (message.type !== answer) return;
      sim.off('message', onMessage);
      resolve(message as T);
    };
    sim.on('message', onMessage);
    sim.send(command);
  });
}

async function startSim(file = 'sim-process.js'): Promise<string> {
  sim = fork(path.join(__dirname, file), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ url: string }>((resolve) => sim.once('message', (m) => resolve(m as { url: string })));
  return ready.url;
}

/** Stops the server process and waits until its port is free. */
async function stopSim(): Promise<void> {
  const exited = new Promise((resolve) => sim.once('exit', resolve));
  sim.disconnect();
  await exited;
}

// ---- measuring -------------------------------------------------------------------------------

/** 3 GETs for 1 POST, the same sequence for everyone. */
const kindOf = (n: number): Kind => (n % 4 === 3 ? 'POST' : 'GET');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `concurrency` loops of calls for `ms` (or until `maxCalls`), measuring throughput, latency and client CPU. */
async function measure(contender: Contender, concurrency: number, ms: number, maxCalls = Infinity, only?: Kind): Promise<Sample> {
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + ms;
  const loop = async () => {
    while (performance.now() < deadline && started < maxCalls) {
      const n = started++;
      const kind = only ?? kindOf(n);
      const s = performance.now();
      try {
        await contender.call(kind);
      } catch {
        errors++;
      }
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    errors,
    callsPerSecond: (latencies.length / elapsed) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuUsPerCall: (cpu.user + cpu.system) / latencies.length,
  };
}

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---- the run ---------------------------------------------------------------------------------

async function main(): Promise<void> {
  const results: Partial<Results> = {};
  if (REGIMES.includes('full')) Object.assign(results, await runFull());
  if (REGIMES.includes('lean')) results.lean = await runLeanRegime();
  if (REGIMES.includes('catalogue')) {
    results.catalogue = measureCatalogue();
    results.catalogueMemory = await measureCatalogueMemory();
  }
  if (REGIMES.includes('lists')) results.lists = await measureLists();
  if (REGIMES.includes('search')) results.search = measureSearch();
  await stopRuntime();
  report(results);
}

/** Every contender on the full simulator: throughput, cold start, time calls, memory, faults. */
async function runFull(): Promise<Omit<Results, 'lean' | 'catalogue' | 'catalogueMemory' | 'lists' | 'search'>> {
  const origin = await startSim();
  const freshTarget = async (): Promise<Target> => ({
    origin,
    consumerKey: (await simAsk<{ consumerKey: string }>({ type: 'consumer-key' }, 'consumer-key')).consumerKey,
  });
  const contenders: Array<() => Contender> = [
    ceiling,
    packageClient,
    requestNode,
    () => officialClient('ovh'),
    () => officialClient('@ovhcloud/node-ovh'),
    seedWay,
    handMadeFlow,
  ];
  const names = contenders.map((make) => make().name);
  const samples: Record<string, Record<number, Sample[]>> = {};
  const coldStartMs: Record<string, number[]> = {};
  for (const name of names) {
    samples[name] = Object.fromEntries(CONCURRENCIES.map((c) => [c, []]));
    coldStartMs[name] = [];
  }

  console.log(
    `Benchmark: ${names.length} contenders, concurrencies ${CONCURRENCIES.join(', ')}, ${ROUNDS} round(s) of ${SAMPLE_MS} ms each`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    for (const make of contenders.map((_m, i) => contenders[(i + round) % contenders.length])) {
      const contender = make();
      await contender.open(await freshTarget());
      const t = performance.now();
      await contender.call('GET').catch((err: unknown) => {
        throw new Error(`${contender.name}: the first call failed: ${JSON.stringify(err) ?? String(err)}`);
      }); // cold: connection, TLS handshake, server time
      coldStartMs[contender.name].push(performance.now() - t);
      await measure(contender, Math.max(...CONCURRENCIES), 300); // warm-up (connections for every concurrency), not counted
      for (const c of CONCURRENCIES) samples[contender.name][c].push(await measure(contender, c, SAMPLE_MS));
      await contender.close();
      process.stdout.write(`  round ${round}: ${contender.name} done\n`);
    }
  }

  // /auth/time calls when 128 first calls start at once on a fresh instance.
  const timeCalls: Record<string, number> = {};
  for (const make of contenders) {
    const contender = make();
    await contender.open(await freshTarget());
    await simAsk({ type: 'reset' }, 'ok');
    await Promise.all(Array.from({ length: 128 }, () => contender.call('GET').catch(() => undefined)));
    timeCalls[contender.name] = (await simAsk<{ stats: SimStats }>({ type: 'stats' }, 'stats')).stats.timeCalls;
    await contender.close();
  }

  // Memory growth over many calls.
  const memoryMb: Record<string, number> = {};
  for (const make of contenders) {
    const contender = make();
    await contender.open(await freshTarget());
    await measure(contender, 16, 60_000, 2_000);
    const before = heapMb();
    await measure(contender, 16, 600_000, MEMORY_CALLS);
    memoryMb[contender.name] = heapMb() - before;
    await contender.close();
    process.stdout.write(`  memory: ${contender.name} done\n`);
  }

  // Under faults: 5 % 500s, 2 % 429s (Retry-After: 1), 1 % reset connections.
  const faults: Record<string, Sample> = {};
  await simAsk({ type: 'faults', rates: { status500: 0.05, status429: 0.02, retryAfter: '1', reset: 0.01, seed: 11 } }, 'ok');
  for (const make of [packageClient, () => officialClient('ovh')]) {
    const contender = make();
    await contender.open(await freshTarget());
    faults[contender.name] = await measure(contender, 16, 600_000, FAULT_CALLS);
    await contender.close();
  }
  await simAsk({ type: 'faults', rates: undefined }, 'ok');
  await stopSim();
  return { names, samples, coldStartMs, timeCalls, memoryMb, faults };
}

/** The lean regime against the lean server (see lean.ts). */
async function runLeanRegime(): Promise<LeanResults> {
  const origin = await startSim('lean-server.js');
  const profileDir = path.join(repoRoot, 'bench-profiles');
  if (PROFILED) fs.mkdirSync(profileDir, { recursive: true });
  const results = await runLean({
    origin,
    concurrencies: CONCURRENCIES,
    rounds: ROUNDS,
    calls: LEAN_CALLS,
    warmup: LEAN_WARMUP,
    contenders: LEAN_CONTENDER_KEYS,
    profile: PROFILED && { contenders: PROFILED, dir: profileDir },
    serverStats: () => simAsk<LeanServerStats>({ type: 'stats' } as SimCommand, 'stats'),
  });
  const stats = await simAsk<LeanServerStats>({ type: 'stats' } as SimCommand, 'stats');
  if (stats.refused > 0) throw new Error(`the lean server refused ${stats.refused} signatures`);
  await stopSim();
  if (PROFILED) console.log(`CPU profiles written to ${profileDir}`);
  return results;
}

interface Results {
  names: string[];
  samples: Record<string, Record<number, Sample[]>>;
  coldStartMs: Record<string, number[]>;
  timeCalls: Record<string, number>;
  memoryMb: Record<string, number>;
  faults: Record<string, Sample>;
  lean: LeanResults;
  catalogue: CatalogueFigures;
  catalogueMemory: CatalogueMemoryFigures;
  lists: ListFigures;
  search: SearchFigures;
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/**
 * One table per concurrency: each contender's medians as ratios to the first contender's, with
 * the spread of its calls/s ratio over rounds. Also returns the rows for the JSON file.
 */
function concurrencyTables(
  regime: string,
  names: string[],
  samples: Record<string, Record<number, Sample[]>>,
): { lines: string[]; rows: Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const rows: Array<Record<string, unknown>> = [];
  for (const c of CONCURRENCIES) {
    const base = samples[names[0]][c];
    const baseCps = median(base.map((s) => s.callsPerSecond));
    const baseP50 = median(base.map((s) => s.p50Ms));
    const baseP99 = median(base.map((s) => s.p99Ms));
    const baseCpu = median(base.map((s) => s.cpuUsPerCall));
    lines.push(
      `### Concurrency ${c}`,
      '',
      '| contender | calls/s | p50 latency | p99 latency | client CPU per call | calls/s, CPU per call (absolute) | errors |',
      '|---|---|---|---|---|---|---|',
    );
    for (const name of names) {
      const list = samples[name][c];
      const cps = list.map((s) => s.callsPerSecond / baseCps);
      const cpu = list.map((s) => s.cpuUsPerCall / baseCpu);
      const row = {
        regime,
        contender: name,
        concurrency: c,
        callsPerSecondRatio: median(cps),
        spread: [Math.min(...cps), Math.max(...cps)],
        p50Ratio: median(list.map((s) => s.p50Ms)) / baseP50,
        p99Ratio: median(list.map((s) => s.p99Ms)) / baseP99,
        cpuRatio: median(cpu),
        cpuSpread: [Math.min(...cpu), Math.max(...cpu)],
        errors: list.reduce((a, s) => a + s.errors, 0),
        absolute: {
          callsPerSecond: median(list.map((s) => s.callsPerSecond)),
          p50Ms: median(list.map((s) => s.p50Ms)),
          p99Ms: median(list.map((s) => s.p99Ms)),
          cpuUsPerCall: median(list.map((s) => s.cpuUsPerCall)),
        },
      };
      rows.push(row);
      lines.push(
        `| ${name} | ${fmt(row.callsPerSecondRatio)}x [${fmt(row.spread[0])}-${fmt(row.spread[1])}] | ${fmt(row.p50Ratio)}x | ${fmt(row.p99Ratio)}x | ${fmt(row.cpuRatio)}x [${fmt(row.cpuSpread[0])}-${fmt(row.cpuSpread[1])}] | ${fmt(row.absolute.callsPerSecond, 0)}, ${fmt(row.absolute.cpuUsPerCall, 0)} us | ${row.errors} |`,
      );
    }
    lines.push('');
  }
  return { lines, rows };
}

/** What this machine is, at the head of each regime's section (regimes may be run apart). */
function machineLine(what: string): string {
  return `${what}: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}.`;
}

function report(results: Partial<Results>): void {
  /** Each regime's section of docs/benchmark.md, by regime. */
  const blocks: Record<string, string[]> = {};
  /** Each regime's part of docs/benchmark.json. */
  const json: Record<string, unknown> = {};
  if (results.lean) {
    blocks.lean = [...leanMarkdown(results.lean), machineLine('Measured on')];
    json.lean = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, ...leanJson(results.lean) };
  }
  if (results.samples && results.names) {
    const { names, samples } = results as Results;
    const lines = [
      '## Full simulator',
      '',
      `${machineLine('Measured on')} ${ROUNDS} interleaved round(s). Each figure is the median over rounds, as a ratio to the ceiling (its first row); the spread over rounds is in brackets. Calls per second: higher is better. Latency and client CPU per call: lower is better.`,
      '',
      `The HTTPS simulator with every check (keys, rules, timestamps, signatures) in its own process; ${SAMPLE_MS} ms per contender and concurrency. Workload: 3 signed GETs for 1 signed POST. The ceiling is raw undici with headers computed once and no parsing.`,
      '',
    ];
    const tables = concurrencyTables('full', names, samples);
    lines.push(...tables.lines);
    const r = results as Results;
    const baseCold = median(r.coldStartMs[names[0]]);
    lines.push(
      '### Cold start, server-time calls, memory',
      '',
      `| contender | first answer (vs ceiling) | /auth/time calls for 128 first calls at once | heap growth after ${MEMORY_CALLS} calls |`,
      '|---|---|---|---|',
    );
    for (const name of names) {
      lines.push(
        `| ${name} | ${fmt(median(r.coldStartMs[name]) / baseCold)}x | ${r.timeCalls[name]} | ${fmt(r.memoryMb[name], 1)} MB |`,
      );
    }
    lines.push(
      '',
      `### Under faults (5 % 500, 2 % 429 with Retry-After, 1 % reset), ${FAULT_CALLS} calls at concurrency 16`,
      '',
      '| contender | calls that succeeded | p99 latency |',
      '|---|---|---|',
    );
    for (const [name, f] of Object.entries(r.faults)) {
      lines.push(`| ${name} | ${fmt((100 * (f.calls - f.errors)) / f.calls, 1)} % | ${fmt(f.p99Ms, 1)} ms |`);
    }
    blocks.full = lines;
    json.full = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      rounds: ROUNDS,
      sampleMs: SAMPLE_MS,
      summary: tables.rows,
      coldStartMs: r.coldStartMs,
      timeCalls: r.timeCalls,
      memoryMb: r.memoryMb,
      faults: r.faults,
    };
  }
  if (results.catalogue) {
    const c = results.catalogue;
    (blocks.catalogue ??= []).push(
      '## The API catalogue (for the request dialog)',
      '',
      machineLine('Measured on'),
      '',
      '| what | figure | target |',
      '|---|---|---|',
      `| read and index a family of ${(c.familyBytes / 1024 / 1024).toFixed(1)} MB, ${c.familyOperations} operations | ${fmt(c.indexMs, 0)} ms | under 1000 ms |`,
      `| search ${c.searchedOperations} operations (slowest query, median of 9) | ${fmt(c.searchMs, 1)} ms | under 20 ms |`,
      `| search ${c.manyOperations} operations (slowest query, median of 9) | ${fmt(c.searchManyMs, 1)} ms | well under 100 ms |`,
      `| largest search answer (20 operations) | ${(c.largestAnswerBytes / 1024).toFixed(1)} KB | under 100 KB |`,
    );
  }
  if (results.catalogueMemory) {
    const { budgets, real, hostile, oversized } = results.catalogueMemory;
    const mb = (n: number) => `${fmt(n, 1)} MB`;
    const mib = (n: number) => `${n / 1024 / 1024} MiB`;
    (blocks.catalogue ??= []).push(
      '',
      "### The catalogue's memory: the whole EU API, and hostile ones",
      '',
      `A word search loading every family of one API from a description server on loopback (in its own process), with the runtime's budgets: ${mib(budgets.documentBytes)} a document, ${budgets.familiesPerBranch} families a branch, ${mib(budgets.searchBytes)} of documents read by one search, ${mib(budgets.memoryBytes)} of index in memory (as estimated; half of it for one API), ${mib(budgets.diskBytes)} on disk. Heap after GC, of the runtime's thread: the documents are parsed in a worker thread, whose heap is in the RSS (the thread ends 30 s after its last document).`,
      '',
      '| API | families taken from the index / held | operations | documents asked | load | heap growth | RSS growth | process heap, RSS after | estimate | on disk |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...[
        ['the real EU API (test/fixtures/ovh-api-schemas/full)', real],
        ['hostile: 1,000 families a branch, 4 MB of operations each', hostile],
        ['hostile: 20 families a branch of 12 MB each', oversized],
      ].map(([name, f]) => {
        const l = f as typeof real;
        return `| ${name as string} | ${l.familiesAsked} / ${l.familiesHeld} | ${l.operations} | ${l.requests} | ${fmt(l.loadMs, 0)} ms | ${mb(l.heapMb)} | ${mb(l.rssMb)} | ${mb(l.processHeapMb)}, ${mb(l.processRssMb)} | ${mb(l.estimateMb)} | ${mb(l.diskMb)} |`;
      }),
      '',
      `The real API again from the kept documents (a restarted runtime): ${fmt(real.fromDiskMs ?? NaN, 0)} ms; a word search over its ${real.operations} operations: ${fmt(real.searchMs, 1)} ms. Target: under 64 MB of heap for the real API. The 12 MB families are each refused while they arrive (\`${oversized.error ?? ''}\`).`,
    );
  }
  if (results.lists) {
    const l = results.lists;
    // OVHcloud's fair use: about 60 calls a minute, so a call a second.
    const atFairUse = (calls: number) => (calls < 120 ? `${calls} s` : `${(calls / 60).toFixed(1)} min`);
    blocks.lists = [
      `## Reading a whole /1.0 list: ${l.records} DNS records with expand`,
      '',
      machineLine('Measured on'),
      '',
      '| how | calls | time here (median of 5) | at about 60 calls a minute |',
      '|---|---|---|---|',
      `| whole objects, a page at a time (CachedObjectList-Pages) | ${l.objects.calls} | ${fmt(l.objects.ms, 0)} ms | ${atFairUse(l.objects.calls)} |`,
      `| one call per id (an API without that mode) | ${l.ids.calls} | ${fmt(l.ids.ms, 0)} ms | ${atFairUse(l.ids.calls)} |`,
    ];
  }
  if (results.search) {
    const s = results.search;
    const pct = (n: number) => `${fmt(100 * n, 1)} %`;
    blocks.search = [
      '## The operation search: everyday requests over the whole EU API',
      '',
      machineLine('Measured on'),
      '',
      `The word search of the request and watch dialogs over the ${s.operations} operations of the real EU API (test/fixtures/ovh-api-schemas/full), on the ${s.queries} everyday requests of test/fixtures/search-evaluation.json (${s.families} families, some in French), each with the operations that count as found. Times are medians; CPU time is this thread's, which a loaded machine changes less than wall time.`,
      '',
      '| what | figure | target |',
      '|---|---|---|',
      `| the operation wanted first (top-1) | ${pct(s.top1)} | at least 70 % |`,
      `| the operation wanted in the first five (top-5) | ${pct(s.top5)} | at least 95 % |`,
      `| mean reciprocal rank | ${fmt(s.mrr, 3)} | |`,
      `| a query (20 suggestions), wall time / CPU time | ${fmt(s.queryMs, 2)} ms / ${fmt(s.queryCpuMs, 2)} ms | under 5 ms |`,
      `| the slowest query (\`${s.slowestQuery}\`) | ${fmt(s.slowestQueryMs, 1)} ms | |`,
      `| build the index over every operation, wall time / CPU time | ${fmt(s.buildMs, 0)} ms / ${fmt(s.buildCpuMs, 0)} ms | under 1000 ms |`,
      `| heap the search takes (word index and path lookup) | ${fmt(s.heapMb, 1)} MB | counted in the memory budget |`,
      `| what the memory budget counts for the word index | ${fmt(s.estimateMb, 1)} MB | |`,
      '',
      `Not first: ${s.misses.map((m) => `"${m.q}" (${m.rank || 'not in the first 20'})`).join(', ')}.`,
    ];
    json.search = results.search;
  }
  if (results.catalogue) json.catalogue = results.catalogue;
  if (results.catalogueMemory) json.catalogueMemory = results.catalogueMemory;
  if (results.lists) json.lists = results.lists;
  writeReport(blocks, json);
}

/**
 * Rewrites, in docs/benchmark.md, the sections of the regimes that ran (each between
 * `<!-- bench:REGIME -->` and `<!-- /bench:REGIME -->`, appended when new) and keeps everything
 * else: the other regimes' last figures and the text written by hand around them. Likewise the
 * regimes' keys in docs/benchmark.json.
 */
function writeReport(blocks: Record<string, string[]>, json: Record<string, unknown>): void {
  const out = path.join(repoRoot, 'docs');
  fs.mkdirSync(out, { recursive: true });
  const mdFile = path.join(out, 'benchmark.md');
  let markdown = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : '# Benchmark\n';
  for (const [regime, lines] of Object.entries(blocks)) {
    const text = lines.join('\n').trimEnd();
    console.log('\n' + text);
    const open = `<!-- bench:${regime} -->`;
    const close = `<!-- /bench:${regime} -->`;
    const from = markdown.indexOf(open);
    const to = markdown.indexOf(close);
    const block = `${open}\n${text}\n${close}`;
    markdown =
      from !== -1 && to > from
        ? markdown.slice(0, from) + block + markdown.slice(to + close.length)
        : markdown.trimEnd() + '\n\n' + block + '\n';
  }
  fs.writeFileSync(mdFile, markdown);
  const jsonFile = path.join(out, 'benchmark.json');
  const before = fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as Record<string, unknown>) : {};
  fs.writeFileSync(jsonFile, JSON.stringify({ ...before, ...json }, null, 2) + '\n');
  console.log(`\nWritten to docs/benchmark.md and docs/benchmark.json (${Object.keys(blocks).join(', ')})`);
}

main().catch((err: unknown) => {
  console.error(err);
  sim?.kill();
  process.exit(1);
});
