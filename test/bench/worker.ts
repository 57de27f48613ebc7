/**
 * The benchmark itself: every contender on the same workload (3 signed GETs for 1 signed POST)
 * against the HTTPS simulator in its own process, at several concurrencies, in interleaved
 * rounds. Figures are reported as ratios to the ceiling (raw undici with precomputed headers).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../helpers';
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

const quick = process.argv.includes('--quick');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg !== -1 ? Number(process.argv[roundsArg + 1]) : quick ? 1 : 3;
const CONCURRENCIES = [1, 16, 128];
const SAMPLE_MS = quick ? 600 : 1500;
const MEMORY_CALLS = quick ? 5_000 : 50_000;
const FAULT_CALLS = quick ? 1_000 : 4_000;

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

async function startSim(): Promise<string> {
  sim = fork(path.join(__dirname, 'sim-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ url: string }>((resolve) => sim.once('message', (m) => resolve(m as { url: string })));
  return ready.url;
}

// ---- measuring -------------------------------------------------------------------------------

/** 3 GETs for 1 POST, the same sequence for everyone. */
const kindOf = (n: number): Kind => (n % 4 === 3 ? 'POST' : 'GET');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `concurrency` loops of calls for `ms` (or until `maxCalls`), measuring throughput, latency and client CPU. */
async function measure(contender: Contender, concurrency: number, ms: number, maxCalls = Infinity): Promise<Sample> {
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + ms;
  const loop = async () => {
    while (performance.now() < deadline && started < maxCalls) {
      const kind = kindOf(started++);
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
    for (const make of contenders) {
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
  await stopRuntime();
  sim.disconnect();

  report({ names, samples, coldStartMs, timeCalls, memoryMb, faults });
}

interface Results {
  names: string[];
  samples: Record<string, Record<number, Sample[]>>;
  coldStartMs: Record<string, number[]>;
  timeCalls: Record<string, number>;
  memoryMb: Record<string, number>;
  faults: Record<string, Sample>;
}

function report(results: Results): void {
  const { names, samples } = results;
  const ceilingName = names[0];
  const summary: Array<Record<string, unknown>> = [];
  const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const lines: string[] = [];
  lines.push(`# Benchmark`, '');
  lines.push(
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node.js ${process.version}, ${ROUNDS} round(s) of ${SAMPLE_MS} ms per contender and concurrency, HTTPS simulator with signature checks in its own process. Workload: 3 signed GETs for 1 signed POST.`,
    '',
    'Each figure is the median over rounds, as a ratio to the ceiling (raw undici, headers computed once, no parsing); the spread over rounds is in brackets. Calls per second: higher is better. Latency and client CPU per call: lower is better.',
    '',
  );
  for (const c of CONCURRENCIES) {
    const base = samples[ceilingName][c];
    const baseCps = median(base.map((s) => s.callsPerSecond));
    const baseP50 = median(base.map((s) => s.p50Ms));
    const baseP99 = median(base.map((s) => s.p99Ms));
    const baseCpu = median(base.map((s) => s.cpuUsPerCall));
    lines.push(
      `## Concurrency ${c}`,
      '',
      '| contender | calls/s | p50 latency | p99 latency | client CPU per call | errors |',
      '|---|---|---|---|---|---|',
    );
    for (const name of names) {
      const list = samples[name][c];
      const cps = list.map((s) => s.callsPerSecond / baseCps);
      const row = {
        contender: name,
        concurrency: c,
        callsPerSecondRatio: median(cps),
        spread: [Math.min(...cps), Math.max(...cps)],
        p50Ratio: median(list.map((s) => s.p50Ms)) / baseP50,
        p99Ratio: median(list.map((s) => s.p99Ms)) / baseP99,
        cpuRatio: median(list.map((s) => s.cpuUsPerCall)) / baseCpu,
        errors: list.reduce((a, s) => a + s.errors, 0),
        absolute: {
          callsPerSecond: median(list.map((s) => s.callsPerSecond)),
          p50Ms: median(list.map((s) => s.p50Ms)),
          p99Ms: median(list.map((s) => s.p99Ms)),
          cpuUsPerCall: median(list.map((s) => s.cpuUsPerCall)),
        },
      };
      summary.push(row);
      lines.push(
        `| ${name} | ${fmt(row.callsPerSecondRatio)}x [${fmt(row.spread[0])}-${fmt(row.spread[1])}] | ${fmt(row.p50Ratio)}x | ${fmt(row.p99Ratio)}x | ${fmt(row.cpuRatio)}x | ${row.errors} |`,
      );
    }
    lines.push('');
  }
  const baseCold = median(results.coldStartMs[ceilingName]);
  lines.push(
    '## Cold start, server-time calls, memory',
    '',
    '| contender | first answer (vs ceiling) | /auth/time calls for 128 first calls at once | heap growth after ' +
      MEMORY_CALLS +
      ' calls |',
    '|---|---|---|---|',
  );
  for (const name of names) {
    lines.push(
      `| ${name} | ${fmt(median(results.coldStartMs[name]) / baseCold)}x | ${results.timeCalls[name]} | ${fmt(results.memoryMb[name], 1)} MB |`,
    );
  }
  lines.push(
    '',
    `## Under faults (5 % 500, 2 % 429 with Retry-After, 1 % reset), ${FAULT_CALLS} calls at concurrency 16`,
    '',
    '| contender | calls that succeeded | p99 latency |',
    '|---|---|---|',
  );
  for (const [name, s] of Object.entries(results.faults)) {
    lines.push(`| ${name} | ${fmt((100 * (s.calls - s.errors)) / s.calls, 1)} % | ${fmt(s.p99Ms, 1)} ms |`);
  }
  const markdown = lines.join('\n') + '\n';
  console.log('\n' + markdown);
  const out = path.join(repoRoot, 'docs');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'benchmark.md'), markdown);
  fs.writeFileSync(
    path.join(out, 'benchmark.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        rounds: ROUNDS,
        sampleMs: SAMPLE_MS,
        summary,
        coldStartMs: results.coldStartMs,
        timeCalls: results.timeCalls,
        memoryMb: results.memoryMb,
        faults: results.faults,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`Written to docs/benchmark.md and docs/benchmark.json`);
}

main().catch((err: unknown) => {
  console.error(err);
  sim?.kill();
  process.exit(1);
});
