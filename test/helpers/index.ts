/** Shared test helpers: the simulator, clients pointed at it, and the shared fixtures. */
import path from 'node:path';
import { OvhClient, type OvhClientOptions } from '../../nodes/client';
import { DEFAULT_APP, OvhSimulator, type SimulatorOptions } from '../simulator/simulator';

/** The repository root, from dist/test/helpers or test/helpers. */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');

/**
 * The repository's copies of the shared fixtures (signature vectors, API schemas): a clone of
 * the repository alone runs every test. test/fixtures.test.ts keeps them identical to
 * ../shared, where that folder exists.
 */
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');

export function fixtureFile(name: string): string {
  return path.join(fixturesDir, name);
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
