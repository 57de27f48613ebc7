/**
 * One contender of the lean regime, in a fresh process of its own: it opens, warms up, makes
 * `calls` signed GETs of /me in `concurrency` async loops, and sends its parent the calls per
 * second and the CPU this process spent per call (process.cpuUsage). Nothing else runs here: no
 * other contender's heap, connections or timers, no Node-RED unless the contender is the node.
 *
 * Usage (by lean.ts): node lean-contender.js <contender> <origin> <concurrency> <calls> <warmup>
 */
import { performance } from 'node:perf_hooks';
import { LEAN_CONSUMER_KEY } from './lean-server';
import { officialClient, packageClient, requestNode, signedCeiling, stopRuntime, type Contender } from './contenders';

/** The lean regime's contenders, by the name the parent gives. */
export const LEAN_CONTENDERS = {
  raw: (concurrency: number) => signedCeiling(concurrency),
  client: () => packageClient(),
  node: () => requestNode(),
  ovh: () => officialClient('ovh'),
  'node-ovh': () => officialClient('@ovhcloud/node-ovh'),
} satisfies Record<string, (concurrency: number) => Contender>;

export type LeanContenderKey = keyof typeof LEAN_CONTENDERS;

export interface LeanSample {
  contender: LeanContenderKey;
  name: string;
  concurrency: number;
  calls: number;
  errors: number;
  callsPerSecond: number;
  /** User + system CPU of this process per call, in microseconds. */
  cpuUsPerCall: number;
  /** Of which system (the kernel: socket writes and reads, TLS records sent), in microseconds. */
  systemUsPerCall: number;
  /** The first error seen, if any (a run with errors is not a measure). */
  firstError?: string;
}

/** `calls` GETs in `concurrency` loops; the loops take calls from one counter. */
async function run(contender: Contender, concurrency: number, calls: number): Promise<Omit<LeanSample, 'contender' | 'name'>> {
  let started = 0;
  let errors = 0;
  let firstError: string | undefined;
  const loop = async () => {
    while (started < calls) {
      started++;
      try {
        await contender.call('GET');
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : JSON.stringify(err);
      }
    }
  };
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    concurrency,
    calls,
    errors,
    callsPerSecond: (calls / elapsed) * 1000,
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    systemUsPerCall: cpu.system / calls,
    firstError,
  };
}

async function main(): Promise<void> {
  const [key, origin, concurrencyText, callsText, warmupText] = process.argv.slice(2);
  const make = LEAN_CONTENDERS[key as LeanContenderKey];
  if (!make) throw new Error(`no lean contender "${key}"`);
  const concurrency = Number(concurrencyText);
  const contender = make(concurrency);
  // The test certificate, as the probe gives it (the official clients trust it by NODE_EXTRA_CA_CERTS).
  await contender.open({ origin, consumerKey: LEAN_CONSUMER_KEY, ca: process.env.BENCH_TLS_CERT });
  await run(contender, concurrency, Number(warmupText)); // connections opened, code optimised: not counted
  const sample = await run(contender, concurrency, Number(callsText));
  await contender.close();
  await stopRuntime();
  const message: LeanSample = { contender: key as LeanContenderKey, name: contender.name, ...sample };
  process.send!(message, () => process.exit(0));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
