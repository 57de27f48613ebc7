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
