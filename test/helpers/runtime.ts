/**
 * Which Node-RED the tests run: this checkout's dev dependency (4.1 on Node 20), or the one in
 * NODE_RED_DIR (CI runs the suite again with Node-RED 5.0 on Node 22 that way).
 */
import path from 'node:path';

export const nodeRedDir = process.env.NODE_RED_DIR
  ? path.resolve(process.env.NODE_RED_DIR)
  : path.dirname(require.resolve('node-red/package.json'));

/** Resolves a module as that Node-RED sees it (its own @node-red/* packages). */
export function resolveFromNodeRed(id: string): string {
  return require.resolve(id, { paths: [nodeRedDir] });
}

export function nodeRedVersion(): string {
  return (require(path.join(nodeRedDir, 'package.json')) as { version: string }).version;
}

/**
 * The setting (read only in tests) by which every watch checks each `ms` rather than at its own
 * interval (whole seconds): for the test helper's runtime and a started Node-RED alike.
 */
export function watchEvery(ms: number): { ovhWatchIntervalMs: number } {
  return { ovhWatchIntervalMs: ms };
}

/** The setting (read only in tests) by which a wait for a task polls within tens of milliseconds. */
export const FAST_TASK_POLLING = { ovhRequestTaskPolling: { firstMs: 20, largestMs: 40 } };
