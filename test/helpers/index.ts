/** Shared test helpers: the simulator, clients pointed at it, and the shared fixtures. */
import path from 'node:path';
import fs from 'node:fs';
import { OvhClient, type OvhClientOptions } from '../../nodes/client';
import { DEFAULT_APP, OvhSimulator, type SimulatorOptions } from '../simulator/simulator';

/** The repository root, from dist/test/helpers or test/helpers. */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');

/** ../shared beside the checkout (read-only, laid by the workplace for every checkout and CI run). */
export function sharedFile(name: string): string {
  const file = path.resolve(repoRoot, '..', 'shared', name);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: the shared fixtures must sit beside the checkout`);
  return file;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<OvhSimulator> {
  return OvhSimulator.start(options);
}

/** A client with a validated consumer key of the simulator (all methods on /*), fast retries. */
export function clientFor(sim: OvhSimulator, options: Partial<OvhClientOptions> & { consumerKey?: string } = {}): OvhClient {
  return new OvhClient({
    endpoint: sim.baseUrl,
    appKey: DEFAULT_APP.appKey,
    appSecret: DEFAULT_APP.appSecret,
    consumerKey: options.consumerKey ?? sim.addConsumerKey(),
    timeoutMs: 2000,
    ...options,
    retry: { baseDelayMs: 5, maxDelayMs: 20, ...options.retry },
  });
}

/** Awaits a promise that must reject, and returns its error. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
