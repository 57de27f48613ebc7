/**
 * ovh-request: calls the OVHcloud API for each message, through the client of its
 * ovh-credentials node. Every message leaves: on the output, or at a Catch node (or the second
 * output) with the reason. What a call does in each mode is in calls/modes.ts; how a msg
 * becomes a call and an answer becomes a msg, in calls/message.ts.
 */
import { setMaxListeners } from 'node:events';
import { OvhInputError, OvhTaskError, taskOf, waitForTask, type OvhClient, type TaskRef } from './client';
import type { OvhCredentialsNode } from './account/config';
import type { Catalogues } from './account/api-catalogue';
import type { Done, Node, NodeAPI, NodeDef, NodeMessage, Send } from './node-red';
import {
  PartsSequence,
  TaskFailure,
  describeThrown,
  errorFields,
  readCall,
  writeAnswer,
  writeFailure,
  type Call,
  type Ignored,
} from './calls/message';
import { runSequence, callOnce, type CallEnvironment, type MsgCall, type Step } from './calls/modes';
import { BOUNDS, readSettings, requestLabel, type RequestConfig, type RequestSettings } from './calls/settings';
import { StatusReporter } from './calls/status';
import { ParameterRows } from './calls/parameter-rows';
import { RepeatCondition } from './calls/repeat-until';
import { showKeyNotice } from './account/key-expiry';

interface OvhRequestNode extends Node {
  account?: OvhCredentialsNode;
}

/** What one ovh-request node does with each msg, once its settings are read. */
class RequestHandler {
  readonly status: StatusReporter;
  /** Aborts this node's calls on close, whether or not its account node is closed too. */
  readonly stopping = new AbortController();
  private readonly warned = new Set<Ignored>();
  /** What every msg's call shares, made once. */
  private readonly environment: CallEnvironment;
  private readonly ignore = (what: Ignored) => this.ignored(what);
  /** The answer types of the calls this node waited on, by method and path as written. */
  private readonly responseTypes = new Map<string, Promise<string | undefined>>();
  private readonly bodyVerdicts = new Map<string, Promise<boolean>>();
  /** Said once per node: a msg.payload not sent to an operation that takes no body. */
  private warnedNoBody = false;
  /** The node's parameter rows, if it has any. */
  private readonly rows: ParameterRows | undefined;
  /** With "repeat until": the condition, prepared once. */
  private readonly until: RepeatCondition | undefined;

  constructor(
    private readonly node: OvhRequestNode,
    private readonly RED: NodeAPI,
    private readonly settings: RequestSettings,
    parameters: unknown,
  ) {
    this.rows = ParameterRows.read(parameters, node, RED, settings.body !== 'none');
    for (const refusal of this.rows?.refusals ?? []) node.warn(refusal);
    const unplaced = settings.path ? (this.rows?.unplacedIn(settings.path) ?? []) : [];
    if (unplaced.length > 0)
      node.warn(RED._('ovh-request.warn.unplaced-rows', { names: unplaced.join(', '), path: settings.path }));
    this.status = new StatusReporter(node, RED, () => node.account?.queued() ?? 0);
    if (settings.wait === 'until' && settings.mode === 'single') {
      this.until = new RepeatCondition(RED, node, settings);
      if (this.until.problem) node.warn(this.until.problem);
    }
    setMaxListeners(0, this.stopping.signal); // one listener per call in flight
    this.environment = {
      settings,
      signal: this.stopping.signal,
      answered: (statusCode) => this.status.answered(statusCode),
      text: (key, substitutions) => RED._(`ovh-request.errors.${key}`, substitutions),
    };
  }

  async handle(msg: NodeMessage, send: Send, done: Done): Promise<void> {
    const { node, RED, settings } = this;
    if (!node.account) throw new OvhInputError(RED._('ovh-request.errors.no-account'));
    const client = node.account.getClient();
    const call = readCall(settings, msg, this.ignore, this.rows?.setsBody);
    if (this.rows) await this.rows.apply(call, msg);
    if (call.body !== undefined && !this.rows?.setsBody && (await this.takesNoBody(client, call))) {
      // The previous node's answer in msg.payload is not this operation's body: it takes none.
      delete call.body;
      if (!this.warnedNoBody) node.warn(RED._('ovh-request.warn.no-body', { method: call.method, path: call.path }));
      this.warnedNoBody = true;
    }
    if (settings.mode === 'single') {
      this.until?.check(call);
      let step = await callOnce(this.environment, client, call);
      if (settings.wait === 'task' && step.kind === 'complete') step = await this.waitForTask(step, client, call);
      if (this.until && step.kind === 'complete') {
        step = await this.until.repeat(this.environment, client, call, msg, step, (reads) =>
          this.status.task(RED._('ovh-request.status.reads', { count: reads })),
        );
      }
      if (step.kind === 'complete' && settings.wait === 'task' && typeof step.facts.waitedMs === 'number')
        this.status.taskDone(step.facts.waitedMs);
      else if (step.kind === 'complete' && step.payload === null && call.method !== 'GET') this.status.wroteNothing();
      this.deliver(step, msg, undefined, send);
      return done();
    }
    const run: MsgCall = { ...this.environment, client, call };
    const sequence = new PartsSequence(RED.util.generateId(), msg.parts, (part) => this.ok(send, part));
    try {
      for await (const step of runSequence(run)) this.deliver(step, msg, sequence, send);
    } finally {
      // Also after a failure: the parts already sent end with a count, so a join completes.
      sequence.end();
    }
    done();
  }

  /**
   * The one failure path: the msg goes to the second output or to Catch nodes. With `done`,
   * the failure ends the input msg; without, it is one item of several and the input goes on.
   */
  report(msg: NodeMessage, err: unknown, send: Send, done?: Done): void {
    const error = this.withEmptyListHint(err instanceof Error ? err : new Error(describeThrown(err)), msg);
    writeFailure(msg, error);
    this.status.failed(error);
    if (this.settings.errorOutput) {
      msg.error = errorFields(error);
      send([null, msg]);
      done?.();
    } else if (done) {
      done(error);
    } else {
      this.node.error(error, msg);
    }
  }

  /**
   * A placeholder without a value while msg.payload is an empty list: most often the list read
   * before this node found nothing (`payload[0].id` of `[]`), which the error then says.
   */
  private withEmptyListHint(error: Error, msg: NodeMessage): Error {
    if (!(error instanceof OvhInputError) || error.reason?.kind !== 'missing-value') return error;
    if (!Array.isArray(msg.payload) || msg.payload.length > 0) return error;
    return new OvhInputError(`${error.message}. ${this.RED._('ovh-request.errors.empty-list')}`, error.reason);
  }

  /**
   * One call answered a task (a reboot, an IP move, a /v2 resource being made): waits until it
   * ends, through the same account, showing its state; the task as it ended becomes the answer.
   * A failed task, or one that outlives the node's wait, goes to Catch with the task as payload.
   * Anything else that answered is passed on as it is.
   */
  private async waitForTask(step: Extract<Step, { kind: 'complete' }>, client: OvhClient, call: Call): Promise<Step> {
    const { res } = step;
    // The path as the API names it: without the base URL's own path (a proxy's prefix) or version.
    const called = new URL(res.url).pathname;
    const rootPath = new URL(client.base.root).pathname.replace(/\/$/, '');
    let apiPath = rootPath && called.startsWith(rootPath + '/') ? called.slice(rootPath.length) : called;
    const version = client.base.version;
    if (version && apiPath.startsWith(version + '/')) apiPath = apiPath.slice(version.length);
    const responseType = await this.responseTypeOf(client, call);
    let ref: TaskRef | undefined;
    try {
      ref = taskOf(res.method, apiPath, res.body, responseType);
    } catch (err) {
      // A task without an id: the write failed, and the answer goes to Catch as it came.
      if (err instanceof OvhTaskError) throw new TaskFailure(err, { ...step.facts });
      throw err;
    }
    if (!ref) return step;
    const polling = (
      this.RED.settings as { ovhRequestTaskPolling?: { firstMs?: number; largestMs?: number; graceMs?: number } } | undefined
    )?.ovhRequestTaskPolling;
    const started = Date.now();
    try {
      const task = await waitForTask(client, ref, res.body, {
        signal: this.stopping.signal,
        timeoutMs: this.settings.taskTimeoutMs,
        firstIntervalMs: polling?.firstMs,
        largestIntervalMs: polling?.largestMs,
        stumbleGraceMs: polling?.graceMs,
        onPoll: (state) => this.status.task(state.status, state.progress),
      });
      const facts: Record<string, unknown> = { ...step.facts, task: ref.path, waitedMs: Date.now() - started };
      // What the task made (a Public Cloud operation's new instance), for the next node to read.
      const made = ref.made?.(task) ?? [];
      if (made.length > 0) facts.resourceId = made[0];
      if (made.length > 1) facts.resourceIds = made;
      return { ...step, payload: task, facts: facts as typeof step.facts };
    } catch (err) {
      if (err instanceof OvhTaskError) throw new TaskFailure(err, { ...step.facts, task: ref.path });
      throw err;
    }
  }

  /**
   * Whether the kept description says a call takes no body (`POST .../refresh`); false when
   * nothing is kept.
   */
  private takesNoBody(client: OvhClient, call: Call): Promise<boolean> {
    return this.askedOnce(this.bodyVerdicts, call, false, (catalogues) =>
      catalogues.takesBody(client.base.baseUrl, call.method, call.path).then((takes) => takes === false),
    );
  }

  /** The answer type the kept description gives a call. */
  private responseTypeOf(client: OvhClient, call: Call): Promise<string | undefined> {
    return this.askedOnce(this.responseTypes, call, undefined, (catalogues) =>
      catalogues.responseTypeOf(client.base.baseUrl, call.method, call.path),
    );
  }

  /**
   * What the kept description says of a call, read from disk once per method and path as the
   * node writes them (not per msg: the description is a file of hundreds of KB); `unknown`
   * without an account or when it cannot be read. At most 100 calls kept: paths may come from msg.
   */
  private askedOnce<T>(
    known: Map<string, Promise<T>>,
    call: Call,
    unknown: T,
    ask: (catalogues: Catalogues) => Promise<T>,
  ): Promise<T> {
    const catalogues = this.node.account?.catalogues;
    if (!catalogues) return Promise.resolve(unknown);
    const key = `${call.method} ${call.path}`;
    let answer = known.get(key);
    if (!answer) {
      if (known.size >= 100) known.clear();
      answer = ask(catalogues).catch(() => unknown);
      known.set(key, answer);
    }
    return answer;
  }

  /**
   * A 403 from IAM (a `Client::Forbidden` naming `unauthorizedActionsByIAM`) says which actions
   * the operation needs, from the kept description: a policy needs all of them, not only the one
   * the API names first.
   */
  async explained(err: unknown): Promise<unknown> {
    if (!this.node.account) return err;
    err = this.node.account.explainFailure(err);
    try {
      return await this.node.account.catalogues.explainIamDenial(err, this.node.account.getClient().base.baseUrl);
    } catch {
      return err; // no kept description: the API's own words stand
    }
  }

  /** A failure whose msg Node-RED could not pass on (a property that cannot be cloned): logged without it. */
  unreportable(err: unknown, why: unknown): void {
    const text = (value: unknown) => (value instanceof Error ? value.message : describeThrown(value));
    this.node.error(this.RED._('ovh-request.errors.unreportable', { error: text(err), reason: text(why) }));
  }

  private deliver(step: Step, msg: NodeMessage, sequence: PartsSequence | undefined, send: Send): void {
    const { RED } = this;
    switch (step.kind) {
      case 'sequence-part':
        sequence!.add(
          writeAnswer(RED.util.cloneMessage(msg), step.res, 'payload' in step ? step.payload : step.res.body, step.facts),
        );
        return;
      case 'item-failure': {
        const failed = RED.util.cloneMessage(msg);
        failed.ovh = step.facts;
        this.report(failed, step.err, send);
        return;
      }
      case 'complete': {
        writeAnswer(msg, step.res, step.payload, step.facts);
        const failures = step.failures ?? [];
        if (failures.length === 0) return this.ok(send, msg);
        // Partial results travel with the error, so nothing fetched is lost.
        const summary = failures
          .slice(0, 3)
          .map((f) => f.message)
          .join('; ');
        throw new Error(RED._('ovh-request.errors.expand-failed', { failed: failures.length, total: step.facts.items, summary }));
      }
    }
  }

  private ok(send: Send, msg: NodeMessage): void {
    send(this.settings.errorOutput ? [msg, null] : msg);
  }

  /** A msg property the node's own settings override: warned about once per node. */
  private ignored(what: Ignored): void {
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.node.warn(this.RED._(`ovh-request.warn.ignored-${what}`));
  }
}

/**
 * At deploy, one warning for a method and path the API's kept description does not know (a typo)
 * or marks deprecated (with its replacement). Nothing is fetched: without a kept description,
 * nothing is said.
 */
function warnIfUnknown(node: OvhRequestNode, RED: NodeAPI, settings: RequestSettings): void {
  if (settings.method === 'msg' || !settings.path || !node.account) return;
  let baseUrl: string;
  try {
    baseUrl = node.account.getClient().base.baseUrl;
  } catch {
    return; // the account's own error is reported with every msg
  }
  const method = settings.method.toUpperCase();
  node.account.catalogues
    .knownOperation(baseUrl, method, settings.path)
    .then((known) => {
      if (known?.kind === 'unknown') node.warn(RED._('ovh-request.warn.unknown-operation', { method, path: settings.path }));
      if (known?.kind === 'deprecated') {
        const { deletionDate, replacement } = known.operation.deprecation ?? {};
        node.warn(
          RED._('ovh-request.warn.deprecated', {
            method,
            path: settings.path,
            date: deletionDate ? deletionDate.slice(0, 10) : '?',
            replacement: replacement ?? '?',
          }),
        );
      }
    })
    .catch(() => undefined); // an unreadable kept description says nothing
}

export = function register(RED: NodeAPI): void {
  function OvhRequest(this: OvhRequestNode, def: NodeDef & RequestConfig): void {
    RED.nodes.createNode(this, def);
    // Errors at Catch and in the debug sidebar name the node as the flow shows it, not by its id.
    this.name = requestLabel(def);
    this.account = def.account ? ((RED.nodes.getNode(def.account) as OvhCredentialsNode | null) ?? undefined) : undefined;
    const hideKeyNotice = showKeyNotice(this, this.account);
    const settings = readSettings(def);
    const handler = new RequestHandler(this, RED, settings, def.parameters);
    warnIfUnknown(this, RED, settings);
    /** Msgs being handled, and what to do when the last one ends (on close). */
    let inFlight = 0;
    let drained: (() => void) | undefined;
    const finished = () => {
      handler.status.finished();
      if (--inFlight === 0) drained?.();
    };

    this.on('input', (msg, send, done) => {
      inFlight++;
      handler.status.started();
      handler
        .handle(msg, send, done)
        .then(finished, async (err: unknown) => {
          try {
            handler.report(msg, await handler.explained(err), send, done);
          } catch (unreportable) {
            // Node-RED could not pass the msg on (it clones it for Catch nodes): say so in the log.
            handler.unreportable(err, unreportable);
          } finally {
            finished();
          }
        })
        // The end of the chain: whatever still throws is logged, never left unhandled (Node-RED would exit).
        .catch((err: unknown) => this.error(describeThrown(err)));
    });

    this.on('close', (_removed, done) => {
      handler.stopping.abort();
      // Every message in flight ends (its done called) before the node reports closed.
      drained = () => {
        hideKeyNotice();
        handler.status.close();
        done();
      };
      if (inFlight === 0) drained();
    });
  }

  RED.nodes.registerType('ovh-request', OvhRequest, {
    settings: { ovhRequestBounds: { value: BOUNDS, exportable: true } },
  });
};
