/**
 * "Repeat until": one GET read again until a JSONata condition holds on the msg it would send
 * (`payload.status = "ACTIVE"`), for what OVHcloud models as no task (a Public Cloud instance
 * back to ACTIVE, a server answering again). The loop is the client's, shared with the task wait.
 */
import { OvhInputError, OvhTaskError, readUntil, type OvhClient } from '../client';
import type { JsonataExpression, Node, NodeAPI, NodeMessage } from '../node-red';
import { callOnce, type CallEnvironment, type Step } from './modes';
import { TaskFailure, type Call } from './message';
import type { RequestSettings } from './settings';
import { reasonOf } from './parameter-rows';
import { StoreTimeout, durationText, storeDeadlineMs, withDeadline } from './store-deadline';

type Complete = Extract<Step, { kind: 'complete' }>;

/** The node's condition, prepared once at deploy; an invalid one refuses every msg with its reason. */
export class RepeatCondition {
  private readonly expression: JsonataExpression | undefined;
  /** Why the condition cannot be used, said at deploy and with each msg. */
  readonly problem: string | undefined;

  constructor(
    private readonly RED: NodeAPI,
    node: Node,
    private readonly settings: RequestSettings,
  ) {
    const { until, method } = settings;
    if (until === '') {
      this.problem = RED._('ovh-request.errors.until-empty');
    } else if (method !== 'GET' && method !== 'msg') {
      this.problem = RED._('ovh-request.errors.until-get', { method });
    } else {
      try {
        this.expression = RED.util.prepareJSONataExpression(until, node);
      } catch (err) {
        this.problem = RED._('ovh-request.errors.until-invalid', { reason: reasonOf(err) });
      }
    }
  }

  /**
   * Refuses, before anything is sent, a call the condition cannot follow (a write), or a
   * condition that cannot be used; else answers the prepared condition.
   */
  check(call: Call): JsonataExpression {
    if (this.expression === undefined) throw new OvhInputError(this.problem ?? '');
    if (call.method !== 'GET') throw new OvhInputError(this.RED._('ovh-request.errors.until-get', { method: call.method }));
    return this.expression;
  }

  /**
   * Reads the call again until the condition holds on the msg as it would leave (the answer as
   * `payload`, `statusCode`, the rest of the msg as it came), or until the node's wait ends: then
   * the last answer goes to Catch. Each read shows in the status.
   */
  async repeat(
    run: CallEnvironment,
    client: OvhClient,
    call: Call,
    msg: NodeMessage,
    first: Complete,
    onRead: (reads: number) => void,
  ): Promise<Complete> {
    const expression = this.check(call);
    const { settings } = this;
    const polling = (this.RED.settings as { ovhRequestTaskPolling?: { firstMs?: number } } | undefined)?.ovhRequestTaskPolling;
    const interval = polling?.firstMs ?? settings.repeatEveryMs;
    const started = Date.now();
    let reads = 1;
    const holds = async (step: Complete) => {
      onRead(reads);
      return this.holds(expression, { ...msg, payload: step.payload, statusCode: step.res.statusCode });
    };
    const again = async (signal: AbortSignal) => {
      reads++;
      return (await callOnce({ ...run, signal }, client, call)) as Complete;
    };
    const late = (last: Complete) =>
      new TaskFailure(
        new OvhTaskError(
          this.RED._('ovh-request.errors.until-timeout', { until: settings.until, path: call.path, reads }),
          'REPEAT_TIMEOUT',
          last.payload,
        ),
        { ...last.facts, reads },
      );
    const step = await readUntil(first, again, holds, late, {
      signal: run.signal,
      timeoutMs: settings.taskTimeoutMs,
      firstIntervalMs: interval,
      largestIntervalMs: interval,
    });
    return { ...step, facts: { ...step.facts, reads, waitedMs: Date.now() - started } };
  }

  /**
   * Whether the condition holds on a candidate msg. It may read a context store
   * (`$flowContext(...)`) that never answers: given up after the store deadline.
   */
  private async holds(expression: JsonataExpression, candidate: NodeMessage): Promise<boolean> {
    const ms = storeDeadlineMs(this.RED);
    let result: unknown;
    try {
      result = await withDeadline(
        (callback) => this.RED.util.evaluateJSONataExpression(expression, candidate, callback),
        ms,
        () => new StoreTimeout(this.RED._('ovh-request.errors.until-no-answer', { duration: durationText(ms) })),
      );
    } catch (err) {
      if (err instanceof StoreTimeout) throw err;
      throw new OvhInputError(this.RED._('ovh-request.errors.until-failed', { reason: reasonOf(err) }));
    }
    // Only true holds; a field without a comparison (`payload.state`) is a slip, not a yes.
    if (result === true) return true;
    if (result === false || result === undefined || result === null) return false;
    throw new OvhInputError(this.RED._('ovh-request.errors.until-not-boolean', { answer: describe(result) }));
  }
}

/** A condition's answer, short, for an error; one JSON cannot write (nested too deep, holding itself) by its kind. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Array.isArray(value) ? 'a list' : typeof value;
  }
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}
