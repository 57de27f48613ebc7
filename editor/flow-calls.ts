/**
 * "Rules for my flows": the calls of every request and watch node using an account, as the
 * runtime will make them, for the admin route that merges them into the fewest access rules.
 * No DOM here: test/unit/editor/flow-calls.test.ts runs it on nodes, and rules-end-to-end deploys them.
 */
import { migrateRequestConfig, type RequestConfig } from '../nodes/calls/settings';

/** A node of the flows, as the editor holds it. */
export interface FlowNode extends RequestConfig {
  id: string;
  type: string;
  name?: string;
  /** A watch's read: `objects` reads each item of the list too. */
  read?: string;
}

/** One call a node makes, named by the node that makes it. */
export interface FlowCall {
  method: string;
  path: string;
  mode?: string;
  wait?: string;
  by: string;
}

/**
 * The calls of the request and watch nodes using account `accountId`, on any tab or in any
 * subflow, deployed or not; `unknown` names the nodes whose call is set by msg.
 */
export function gatherCalls(
  nodes: Iterable<FlowNode>,
  accountId: string,
  labelOf: (node: FlowNode) => string,
): { calls: FlowCall[]; unknown: string[] } {
  const calls: FlowCall[] = [];
  const unknown: string[] = [];
  for (const node of nodes) {
    if ((node.type !== 'ovh-request' && node.type !== 'ovh-watch') || node.account !== accountId) continue;
    const by = node.name || labelOf(node);
    if (node.type === 'ovh-watch') {
      // A watch reads its path; as objects, each item too (as expand does).
      if (node.path) calls.push({ method: 'GET', path: node.path, mode: node.read === 'objects' ? 'expand' : 'single', by });
      continue;
    }
    // As the runtime reads it: a node saved with an older form of a setting too.
    const config = migrateRequestConfig(node);
    if (config.method === 'msg' || !config.path) {
      unknown.push(by);
      continue;
    }
    calls.push({
      method: config.method || 'GET',
      path: config.path,
      mode: config.mode,
      wait: config.mode === 'expand' || config.mode === 'pages' ? 'none' : config.wait,
      by,
    });
  }
  return { calls, unknown };
}
