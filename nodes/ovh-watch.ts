/**
 * ovh-watch: a node with no input that reads one GET on its own interval, through the account's
 * client (its limits and retries shared with every other node of the account), and sends a msg
 * only for what changed since the last check: each item added to a list, removed from it or
 * changed in it, or the object with the fields that changed. What it has seen is kept in its
 * context, so a restart with a persistent context store does not send old items again.
 */
import { OvhInputError, type OvhClient } from './client';
import type { OvhCredentialsNode } from './account';
import type { Node, NodeAPI, NodeDef, NodeMessage } from './node-red';
import { runSequence, type ModeRun, type Step } from './request-modes';
import { errorFields, factsOf, writeFailure } from './request-message';
import { readSettings, wholeNumber, type Bound } from './request-settings';
import { compare, nothingLike, seenOf, type Event, type Seen } from './watch-changes';

const WATCH_BOUNDS = {
  /** Seconds between two checks: OVHcloud's fair use is about 60 calls a minute per account. */
  interval: { min: 1, max: 604_800, default: 60 },
} as const satisfies Record<string, Bound>;

/** The node's properties, as they appear in an exported flow. */
interface WatchConfig {
  account?: string;
  /** The GET path, values written in (`/sms/sms-ab12345-1/incoming`). */
  path?: string;
  /** `answer`: the GET's answer as it is; `objects`: a /1.0 list of ids read as its objects (expand). */
  read?: 'answer' | 'objects';
  interval?: number | string;
  /** Send removed items too. */
  removed?: boolean;
  /** Send items of a list whose content changed (objects only). */
  changed?: boolean;
  /** Only changes under these comma-separated dotted paths count; empty: any. */
  fields?: string;
  /** The field naming a list's items; empty: the item itself, or id, taskId, billId, name... */
  idField?: string;
  /** At the first check with nothing remembered, send what is there (else it is only remembered). */
  sendFirst?: boolean;
  /** The context store that keeps what was seen (empty: the default store). */
  store?: string;
}

/** What the node's context keeps: what was seen, and what it was seen at (a changed path starts afresh). */
interface Memory {
  path: string;
  read: string;
  idField: string;
  seen: Seen;
}

const MEMORY_KEY = 'ovh-watch';

interface OvhWatchNode extends Node {
  account?: OvhCredentialsNode;
}

class Watcher {
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private memory: Memory | undefined;
  private failures = 0;
  private readonly read: 'answer' | 'objects';
  private readonly path: string;
  private readonly fields: string[];

  constructor(
    private readonly node: OvhWatchNode,
    private readonly RED: NodeAPI,
    private readonly config: WatchConfig,
  ) {
    this.path = (config.path ?? '').trim();
    this.read = config.read === 'objects' ? 'objects' : 'answer';
    this.fields = (config.fields ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
  }

  get intervalMs(): number {
    const forTests = (this.RED.settings as { ovhWatchIntervalMs?: number } | undefined)?.ovhWatchIntervalMs;
    return forTests ?? wholeNumber(this.config.interval, WATCH_BOUNDS.interval) * 1000;
  }

  /** Reads the memory, then checks at once and every interval after each check ends. */
  start(): void {
    const problem = this.problem();
    if (problem) {
      this.node.error(problem);
      this.node.status({ fill: 'red', shape: 'ring', text: problem.length > 40 ? problem.slice(0, 37) + '...' : problem });
      return;
    }
    this.recall().then(
      () => this.schedule(0),
      (err: unknown) => this.failed(err),
    );
  }

  stop(): void {
    this.stopping.abort();
    clearTimeout(this.timer);
  }

  private problem(): string | undefined {
    if (!this.node.account) return this.RED._('ovh-watch.errors.no-account');
    if (!this.path.startsWith('/')) return this.RED._('ovh-watch.errors.no-path');
    const placeholder = /\{[^}]*\}/.exec(this.path);
    if (placeholder) return this.RED._('ovh-watch.errors.placeholder', { placeholder: placeholder[0], path: this.path });
    return undefined;
  }

  private schedule(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.check().finally(() => this.schedule(this.intervalMs));
    }, delayMs);
  }

  /** One check: read, compare with what was seen, send each event, remember. */
  private async check(): Promise<void> {
    let answer: { body: unknown; facts: Record<string, unknown> };
    try {
      answer = await this.readNow(this.node.account!.getClient());
    } catch (err) {
      if (!this.stopping.signal.aborted) this.failed(err);
      return;
    }
    const now = seenOf(answer.body, this.config.idField?.trim());
    const before = this.memory;
    // Nothing remembered (a new node, another path): what is there is only remembered, unless asked for.
    const options = { removed: this.config.removed === true, changed: this.config.changed === true, fields: this.fields };
    const events: Event[] = before
      ? compare(before.seen, now, options)
      : this.config.sendFirst
        ? compare(nothingLike(now), now, options)
        : [];
    for (const event of events) this.send(event, answer.facts);
    this.failures = 0;
    try {
      await this.remember(now);
    } catch (err) {
      this.failed(err);
      return;
    }
    this.node.status({ fill: 'green', shape: 'dot', text: this.checkedText(events) });
  }

  /** The GET as configured: its answer, or (objects) a /1.0 list read as its objects, a page at a time. */
  private async readNow(client: OvhClient): Promise<{ body: unknown; facts: Record<string, unknown> }> {
    if (this.read === 'answer') {
      const res = await client.request('GET', this.path, { signal: this.stopping.signal });
      return { body: res.body, facts: factsOf(res) };
    }
    const run: ModeRun = {
      settings: readSettings({ method: 'GET', path: this.path, mode: 'expand', split: 'one' }),
      signal: this.stopping.signal,
      answered: () => undefined,
      text: (key, substitutions) => this.RED._(`ovh-request.errors.${key}`, substitutions),
      client,
      call: { method: 'GET', path: this.path },
    };
    let whole: Extract<Step, { kind: 'whole' }> | undefined;
    for await (const step of runSequence(run)) if (step.kind === 'whole') whole = step;
    if (!whole) throw new OvhInputError(this.RED._('ovh-request.errors.not-a-list', { path: this.path }));
    // An item that could not be read would look removed, then added again: the check fails instead.
    const failures = whole.failures ?? [];
    if (failures.length > 0) {
      throw new Error(this.RED._('ovh-watch.errors.items-failed', { failed: failures.length, reason: failures[0].message }));
    }
    return { body: whole.payload, facts: whole.facts };
  }

  private send(event: Event, facts: Record<string, unknown>): void {
    const msg: NodeMessage = {
      topic: this.path,
      payload: event.item,
      ovh: {
        ...facts,
        event: event.event,
        path: this.path,
        ...('id' in event && event.id !== undefined ? { id: event.id } : {}),
      },
    };
    if (event.event === 'changed') {
      msg.changes = event.changes;
      msg.previous = event.previous;
    }
    this.node.send(msg);
  }

  /** A check that failed: to Catch with the reason and the API's answer; the next check comes as usual. */
  private failed(err: unknown): void {
    this.failures++;
    const error = err instanceof Error ? err : new Error(String(err));
    const msg = writeFailure({ topic: this.path, payload: undefined }, error);
    msg.ovh = { ...(msg.ovh as object | undefined), event: 'failed', path: this.path, failures: this.failures };
    msg.error = errorFields(error);
    this.node.error(error, msg);
    const time = clock();
    this.node.status({
      fill: 'red',
      shape: 'ring',
      text: this.RED._('ovh-watch.status.failed', { time, reason: shortReason(error) }),
    });
  }

  private checkedText(events: Event[]): string {
    const count = (kind: Event['event']) => events.filter((e) => e.event === kind).length;
    const parts = [
      [count('added'), 'added'],
      [count('changed'), 'changed'],
      [count('removed'), 'removed'],
    ]
      .filter(([n]) => (n as number) > 0)
      .map(([n, kind]) => this.RED._(`ovh-watch.status.${kind as string}`, { count: n }));
    return this.RED._('ovh-watch.status.checked', { time: clock() }) + (parts.length ? ' · ' + parts.join(', ') : '');
  }

  /** The memory kept in the context store, if it is of this path and way of reading. */
  private recall(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.node.context().get(MEMORY_KEY, this.store, (err, value) => {
        if (err) return reject(err);
        const kept = value as Memory | undefined;
        if (kept && kept.path === this.path && kept.read === this.read && kept.idField === (this.config.idField ?? '').trim()) {
          this.memory = kept;
        }
        resolve();
      });
    });
  }

  private remember(seen: Seen): Promise<void> {
    const memory: Memory = { path: this.path, read: this.read, idField: (this.config.idField ?? '').trim(), seen };
    return new Promise((resolve, reject) => {
      this.node.context().set(MEMORY_KEY, memory, this.store, (err) => {
        if (err) return reject(err);
        this.memory = memory;
        resolve();
      });
    });
  }

  private get store(): string | undefined {
    return this.config.store?.trim() || undefined;
  }
}

/** The local time of day, as a status shows it (`15:04:05`). */
function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

function shortReason(err: Error & { statusCode?: number }): string {
  if (typeof err.statusCode === 'number') return String(err.statusCode);
  return err.message.length > 30 ? err.message.slice(0, 27) + '...' : err.message;
}

export = function register(RED: NodeAPI): void {
  function OvhWatch(this: OvhWatchNode, def: NodeDef & WatchConfig): void {
    RED.nodes.createNode(this, def);
    this.account = def.account ? ((RED.nodes.getNode(def.account) as OvhCredentialsNode | null) ?? undefined) : undefined;
    const watcher = new Watcher(this, RED, def);
    watcher.start();
    this.on('close', (_removed, done) => {
      watcher.stop();
      done();
    });
  }

  RED.nodes.registerType('ovh-watch', OvhWatch, {
    settings: { ovhWatchBounds: { value: WATCH_BOUNDS, exportable: true } },
  });
};
