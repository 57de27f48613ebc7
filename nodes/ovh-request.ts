/**
 * ovh-request: calls the OVHcloud API for each message, through the client of its
 * ovh-credentials node. Every message leaves: on the output, or at a Catch node (or the second
 * output) with the reason. What a call does in each mode is in request-modes.ts; how a msg
 * becomes a call and an answer becomes a msg, in request-message.ts.
 */
import { setMaxListeners } from 'node:events';
import { OvhInputError } from './client';
import type { OvhCredentialsNode } from './account';
import type { Done, Node, NodeAPI, NodeDef, NodeMessage, Send } from './node-red';
import { PartsSequence, errorFields, readCall, writeAnswer, writeFailure, type Ignored } from './request-message';
import { runMode, type Step } from './request-modes';
import { BOUNDS, readSettings, type RequestConfig } from './request-settings';
import { StatusReporter } from './status';

interface OvhRequestNode extends Node {
  account?: OvhCredentialsNode;
}

export = function register(RED: NodeAPI): void {
  function OvhRequest(this: OvhRequestNode, def: NodeDef & RequestConfig): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const settings = readSettings(def);
    node.account = def.account ? ((RED.nodes.getNode(def.account) as OvhCredentialsNode | null) ?? undefined) : undefined;

    const status = new StatusReporter(node, RED, () => node.account?.queued() ?? 0);
    /** Aborts this node's calls on close, whether or not its account node is closed too. */
    const stopping = new AbortController();
    setMaxListeners(0, stopping.signal); // one listener per call in flight

    const inFlight = new Set<Promise<void>>();
    const warned = new Set<Ignored>();
    const ignored = (what: Ignored) => {
      if (warned.has(what)) return;
      warned.add(what);
      node.warn(RED._(`ovh-request.warn.ignored-${what}`));
    };

    const ok = (send: Send, msg: NodeMessage) => send(settings.errorOutput ? [msg, null] : msg);

    /**
     * The one failure path: the msg goes to the second output or to Catch nodes. With `done`,
     * the failure ends the input msg; without, it is one item of several and the input goes on.
     */
    const report = (msg: NodeMessage, err: unknown, send: Send, done?: Done) => {
      const error = err instanceof Error ? err : new Error(String(err));
      writeFailure(msg, error);
      status.failed(error);
      if (settings.errorOutput) {
        msg.error = errorFields(error);
        send([null, msg]);
        done?.();
      } else if (done) {
        done(error);
      } else {
        node.error(error, msg);
      }
    };

    const handle = async (msg: NodeMessage, send: Send, done: Done): Promise<void> => {
      if (!node.account) throw new OvhInputError(RED._('ovh-request.errors.no-account'));
      const run = {
        client: node.account.getClient(),
        call: readCall(settings, msg, ignored),
        settings,
        signal: stopping.signal,
        answered: (statusCode: number) => status.answered(statusCode),
        text: (key: string, substitutions: Record<string, unknown>) => RED._(`ovh-request.errors.${key}`, substitutions),
      };
      const sequence = new PartsSequence(RED.util.generateId(), msg.parts, (part) => ok(send, part));
      try {
        for await (const step of runMode(run)) deliver(step, msg, sequence, send);
      } finally {
        // Also after a failure: the parts already sent end with a count, so a join completes.
        sequence.end();
      }
      done();
    };

    const deliver = (step: Step, msg: NodeMessage, sequence: PartsSequence, send: Send): void => {
      switch (step.kind) {
        case 'part':
          sequence.add(writeAnswer(RED.util.cloneMessage(msg), step.res, step.res.body, step.facts));
          return;
        case 'failure': {
          const failed = RED.util.cloneMessage(msg);
          failed.ovh = step.facts;
          report(failed, step.err, send);
          return;
        }
        case 'whole':
          writeAnswer(msg, step.res, step.payload, step.facts);
          if (!step.failures?.length) return ok(send, msg);
          // Partial results travel with the error, so nothing fetched is lost.
          throw new Error(
            RED._('ovh-request.errors.expand-failed', {
              failed: step.failures.length,
              total: step.facts.items,
              summary: step.failures
                .slice(0, 3)
                .map((f) => f.message)
                .join('; '),
            }),
          );
      }
    };

    node.on('input', (msg, send, done) => {
      status.started();
      const work = handle(msg, send, done)
        .catch((err: unknown) => report(msg, err, send, done))
        .finally(() => {
          inFlight.delete(work);
          status.finished();
        });
      inFlight.add(work);
    });

    node.on('close', (_removed, done) => {
      stopping.abort();
      // Every message in flight ends (its done called) before the node reports closed.
      void Promise.allSettled([...inFlight]).then(() => {
        status.close();
        done();
      });
    });
  }

  RED.nodes.registerType('ovh-request', OvhRequest, {
    settings: { ovhRequestBounds: { value: BOUNDS, exportable: true } },
  });
};
