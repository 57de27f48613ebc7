/**
 * ovh-watch: a node with no input that reads one GET on its own interval, through the account's
 * client (its limits and retries shared with every other node of the account), and sends a msg
 * only for what changed since the last check: each item added to a list, removed from it or
 * changed in it, or the object with the fields that changed. What it has seen is kept in its
 * context, so a restart with a persistent context store does not send old items again.
 */
import { OvhApiError, OvhError, OvhInputError, type OvhClient } from './client';
import { WorkDeadline, finishInSlices, type Work } from './client/work';
import type { OvhCredentialsNode } from './account/config';
import type { Node, NodeAPI, NodeDef, NodeMessage } from './node-red';
import { runSequence, type MsgCall, type Step } from './calls/modes';
import { describeThrown, errorFields, factsOf, writeFailure } from './calls/message';
import { readSettings, watchLabel, wholeNumber, type Bound } from './calls/settings';
import { checkAnswerNesting, compareWork, keptCopy, nothingLike, seenOfWork, type Event, type Seen } from './calls/watch-changes';
import { watchPathProblem } from './calls/watch-path';
import { StoreTimeout, durationText, storeDeadlineMs, withDeadline } from './calls/store-deadline';
import { showKeyNotice } from './account/key-expiry';

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
  /**
   * Send items of a list whose content changed (objects only); on unless false, as the dialog
   * makes it. Not `changed`: the editor keeps that name for its own edited flag, and never saves it.
   */
  sendChanged?: boolean;
  /** Only changes under these comma-separated dotted paths count; empty: any. */
  fields?: string;
  /** The field naming a list's items; empty: the item itself, or id, taskId, billId, name... */
  idField?: string;
  /** At the first check with nothing remembered, send what is there (else it is only remembered). */
  sendFirst?: boolean;
  /** The context store that keeps what was seen (empty: the default store). */
  store?: string;
}

/** What the node's context keeps: what was seen, and what it was seen at (another account or path starts afresh). */
interface Memory {
  /** The account's base URL: the same path at another account is another list. */
  account: string;
  path: string;
  read: string;
  idField: string;
  seen: Seen;
}

const MEMORY_KEY = 'ovh-watch';

/** The longest a check's comparison holds the event loop before it lets other flows run. */
const SLICE_MS = 5;

/**
 * What each watch saw last, by node id, for as long as Node-RED runs: without a configured
 * context store, Node-RED deletes a node's context whenever it closes, so a redeploy would
 * forget, and an item added meanwhile would never be sent. Dropped when the node is removed.
 */
const lastSeen = new Map<string, Memory>();

interface OvhWatchNode extends Node {
  account?: OvhCredentialsNode;
}

class Watcher {
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private memory: Memory | undefined;
  /** Whether the context store was read (a store that failed is read again at the next check). */
  private recalled = false;
  private failures = 0;
  private readonly read: 'answer' | 'objects';
  private readonly path: string;
  private readonly idField: string;
  private readonly fields: string[];
  /** Read as its objects: the expand mode's settings, made once. */
  private readonly listSettings = readSettings({ method: 'GET', mode: 'expand', split: 'one' });

  constructor(
    private readonly node: OvhWatchNode,
    private readonly RED: NodeAPI,
    private readonly config: WatchConfig,
  ) {
    this.path = (config.path ?? '').trim();
    this.read = config.read === 'objects' ? 'objects' : 'answer';
    this.idField = (config.idField ?? '').trim();
    this.fields = (config.fields ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
  }

  get intervalMs(): number {
    const forTests = (this.RED.settings as { ovhWatchIntervalMs?: number } | undefined)?.ovhWatchIntervalMs;
    return forTests ?? wholeNumber(this.config.interval, WATCH_BOUNDS.interval) * 1000;
  }

  /** Checks at once, then every interval after each check ends; a watch that cannot work says why, once. */
  start(): void {
    const problem = this.problem();
    if (problem) {
      this.node.error(problem);
      this.node.status({ fill: 'red', shape: 'ring', text: problem.length > 40 ? problem.slice(0, 37) + '...' : problem });
      return;
    }
    const { interval } = this.config;
    if (interval !== undefined && interval !== '' && wholeNumber(interval, WATCH_BOUNDS.interval) !== Number(interval)) {
      this.node.warn(
        this.RED._('ovh-watch.warn.interval', { interval: String(interval), default: WATCH_BOUNDS.interval.default }),
      );
    }
    this.schedule(0);
  }

  stop(removed: boolean): void {
    this.stopping.abort();
    clearTimeout(this.timer);
    if (removed) lastSeen.delete(this.node.id);
  }

  private problem(): string | undefined {
    if (!this.node.account) return this.RED._('ovh-watch.errors.no-account');
    return watchPathProblem(this.path, (key, substitutions) => this.RED._(key, substitutions));
  }

  private schedule(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => void this.checkThenSchedule(), delayMs);
  }

  /**
   * One check, whatever happens in it (an unreadable answer, a comparison that throws, a store
   * that fails or never answers): a failure goes to Catch and the status, and the next check
   * comes as usual. Never rejects: nothing here may end in an unhandled rejection.
   */
  private async checkThenSchedule(): Promise<void> {
    try {
      await this.check();
    } catch (err) {
      if (!this.stopping.signal.aborted) this.failed(err);
    } finally {
      this.schedule(this.intervalMs);
    }
  }

  /** One check: read, compare with what was seen, send each event, remember. Throws what failed. */
  private async check(): Promise<void> {
    const client = this.node.account!.getClient();
    const account = client.base.baseUrl;
    if (!this.recalled) await this.recall(account);
    const answer = await this.readNow(client);
    if (this.stopping.signal.aborted) return;
    // A list of many thousands of items takes more than a few ms to compare and copy: the work
    // pauses between slices, and a redeploy or stop meanwhile abandons it at its next pause.
    const deadline = new WorkDeadline(Infinity, SLICE_MS);
    const { events, seen } = await finishInSlices(this.compared(answer.body, deadline), deadline, this.stopping.signal);
    const memory: Memory = { account, path: this.path, read: this.read, idField: this.idField, seen };
    this.memory = memory;
    lastSeen.set(this.node.id, memory);
    for (const event of events) this.send(event, answer.facts);
    this.failures = 0;
    await this.store(memory);
    this.node.status({ fill: 'green', shape: 'dot', text: this.checkedText(events) });
  }

  /**
   * What changed since what was remembered, and what to remember now (a copy: a node downstream
   * that edits msg.payload must not edit what was seen), as work that may pause between items.
   */
  private *compared(body: unknown, deadline: WorkDeadline): Work<{ events: Event[]; seen: Seen }> {
    // What the client reads nests at most MOST_NESTING levels; every walk below relies on it.
    yield* checkAnswerNesting(body, `The answer of GET ${this.path}`, deadline);
    const now = yield* seenOfWork(body, this.idField, deadline);
    const options = { removed: this.config.removed === true, changed: this.config.sendChanged !== false, fields: this.fields };
    // Nothing remembered (a new node, another path): what is there is only remembered, unless asked for.
    const before = this.memory ? this.memory.seen : this.config.sendFirst ? nothingLike(now) : undefined;
    const events = before ? yield* compareWork(before, now, options, deadline) : [];
    return { events, seen: yield* keptCopy(now, deadline) };
  }

  /** The GET as configured: its answer, or (objects) a /1.0 list read as its objects, a page at a time. */
  private async readNow(client: OvhClient): Promise<{ body: unknown; facts: Record<string, unknown> }> {
    if (this.read === 'answer') {
      const res = await client.request('GET', this.path, { signal: this.stopping.signal });
      return { body: res.body, facts: factsOf(res) };
    }
    const run: MsgCall = {
      settings: this.listSettings,
      signal: this.stopping.signal,
      answered: () => undefined,
      // This node's own words: a node file's RED._ reads only its own messages.
      text: (key, substitutions) => this.RED._(`ovh-watch.errors.${key}`, substitutions),
      client,
      call: { method: 'GET', path: this.path },
    };
    let complete: Extract<Step, { kind: 'complete' }> | undefined;
    for await (const step of runSequence(run)) if (step.kind === 'complete') complete = step;
    if (!complete) throw new OvhInputError(this.RED._('ovh-watch.errors.not-a-list', { path: this.path }));
    // An item that could not be read would look removed, then added again: the check fails instead.
    const failures = complete.failures ?? [];
    if (failures.length > 0) {
      throw new Error(this.RED._('ovh-watch.errors.items-failed', { failed: failures.length, reason: failures[0].message }));
    }
    return { body: complete.payload, facts: complete.facts };
  }

  private send(event: Event, facts: Record<string, unknown>): void {
    const msg: NodeMessage = {
      topic: this.path,
      payload: event.item,
      ovh: { ...facts, event: event.event, path: this.path, ...(event.id !== undefined ? { id: event.id } : {}) },
    };
    if (event.event === 'changed') {
      msg.changes = event.changes;
      msg.previous = event.previous;
    }
    this.node.send(msg);
  }

  /**
   * A check that failed: to Catch with the reason and the API's answer, and in the status; the
   * next check comes as usual. Never throws: a failure that cannot be reported with its msg is
   * logged without it.
   */
  private failed(err: unknown): void {
    this.failures++;
    err = this.node.account?.explainFailure(err) ?? err;
    const error = err instanceof Error ? err : new Error(describeThrown(err));
    try {
      const msg = writeFailure({ topic: this.path, payload: undefined }, error);
      msg.ovh = { ...(msg.ovh as object | undefined), event: 'failed', path: this.path, failures: this.failures };
      msg.error = errorFields(error);
      this.node.error(error, msg);
    } catch {
      this.node.error(error.message);
    }
    const time = clock();
    this.node.status({
      fill: 'red',
      shape: 'ring',
      text: this.RED._('ovh-watch.status.failed', { time, reason: this.shortReason(error) }),
    });
  }

  /**
   * A failure in a few words, for the status: the API's status code, the store's silence, the
   * client's code for what went wrong (`ANSWER_TOO_DEEP`, `TIMEOUT`: the message's start is the
   * call, which the status would cut before the reason), or the message's start.
   */
  private shortReason(err: Error): string {
    if (err instanceof OvhApiError) return String(err.statusCode);
    if (err instanceof StoreTimeout) return this.RED._('ovh-watch.status.store-timeout');
    if (err instanceof OvhError && err.code !== 'INVALID_INPUT' && /^[A-Z][A-Z_]+$/.test(err.code)) return err.code;
    return err.message.length > 30 ? err.message.slice(0, 27) + '...' : err.message;
  }

  private checkedText(events: Event[]): string {
    const count = (kind: Event['event']) => events.filter((e) => e.event === kind).length;
    const parts = (['added', 'changed', 'removed'] as const)
      .filter((kind) => count(kind) > 0)
      .map((kind) => this.RED._(`ovh-watch.status.${kind}`, { count: count(kind) }));
    return this.RED._('ovh-watch.status.checked', { time: clock() }) + (parts.length ? ' · ' + parts.join(', ') : '');
  }

  /**
   * What was seen before, if it was seen at this account, path and way of reading: from the
   * context store, else from this process (a redeploy without a configured store).
   */
  private async recall(account: string): Promise<void> {
    const fits = (kept: unknown): kept is Memory => {
      const m = kept as Partial<Memory> | undefined;
      return (
        !!m &&
        m.account === account &&
        m.path === this.path &&
        m.read === this.read &&
        m.idField === this.idField &&
        isSeen(m.seen)
      );
    };
    const value = await this.withStore<unknown>((callback) => this.node.context().get(MEMORY_KEY, this.storeName, callback));
    const inProcess = lastSeen.get(this.node.id);
    this.memory = fits(value) ? value : fits(inProcess) ? inProcess : undefined;
    this.recalled = true;
  }

  private store(memory: Memory): Promise<void> {
    return this.withStore<void>((callback) => this.node.context().set(MEMORY_KEY, memory, this.storeName, callback));
  }

  /**
   * A call to the context store, given up after the store's deadline or the interval, whichever
   * is shorter (a store that never answers would stop the watch for good), or when the node closes.
   */
  private withStore<T>(call: (callback: (err: unknown, value?: T) => void) => void): Promise<T> {
    const ms = Math.min(storeDeadlineMs(this.RED), this.intervalMs);
    const late = () =>
      new StoreTimeout(
        this.RED._('ovh-watch.errors.store-timeout', {
          store: this.storeName ?? this.RED._('ovh-watch.hint.store'),
          duration: durationText(ms),
        }),
      );
    return withDeadline(call, ms, late, this.stopping.signal);
  }

  private get storeName(): string | undefined {
    return this.config.store?.trim() || undefined;
  }
}

/** What a watch remembers, as it wrote it: a list of [id, item] pairs, or a value. */
function isSeen(seen: unknown): seen is Seen {
  const s = seen as Partial<Seen> | undefined;
  if (!s || typeof s !== 'object') return false;
  if (s.kind === 'value') return true;
  return s.kind === 'list' && Array.isArray(s.items) && s.items.every((pair) => Array.isArray(pair) && pair.length === 2);
}

/** The local time of day, as a status shows it (`15:04:05`). */
function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

export = function register(RED: NodeAPI): void {
  function OvhWatch(this: OvhWatchNode, def: NodeDef & WatchConfig): void {
    RED.nodes.createNode(this, def);
    // Errors at Catch and in the debug sidebar name the node as the flow shows it, not by its id.
    this.name = watchLabel(def);
    this.account = def.account ? ((RED.nodes.getNode(def.account) as OvhCredentialsNode | null) ?? undefined) : undefined;
    const hideKeyNotice = showKeyNotice(this, this.account);
    const watcher = new Watcher(this, RED, def);
    watcher.start();
    this.on('close', (removed, done) => {
      hideKeyNotice();
      watcher.stop(removed);
      done();
    });
  }

  RED.nodes.registerType('ovh-watch', OvhWatch, {
    settings: { ovhWatchBounds: { value: WATCH_BOUNDS, exportable: true } },
  });
};
