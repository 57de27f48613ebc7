/**
 * The node status of ovh-request: "requesting (n)" while calls are in flight, then the last
 * status code. Updates are coalesced to at most one every 250 ms: at hundreds of messages a
 * second, a status per message would cost more than the calls.
 */
import { OvhApiError, OvhError, OvhInputError, OvhTaskError } from '../client';
import type { Node, NodeAPI, NodeStatus } from '../node-red';

const MIN_INTERVAL_MS = 250;

export class StatusReporter {
  private inFlight = 0;
  private last: NodeStatus | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastShown = 0;
  private closed = false;
  private taskText: string | undefined;
  /** When the first state of the task(s) being waited for was read, and the last state read. */
  private taskSince: number | undefined;
  private taskStatus: string | undefined;

  constructor(
    private readonly node: Node,
    private readonly RED: NodeAPI,
    /** Calls of the whole account waiting for a turn under its limits. */
    private readonly accountQueue: () => number = () => 0,
  ) {}

  started(): void {
    this.inFlight++;
    this.schedule();
  }

  finished(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.taskText = this.taskSince = undefined;
    this.schedule();
  }

  /**
   * A task being waited for: its state, and its progress when it has one (`doing 40 %`), else
   * the time waited so far (`todo · 12 s`): a reboot's task has no percentage.
   */
  task(status: string, progress?: number): void {
    this.taskSince ??= Date.now();
    this.taskStatus = status;
    this.taskText =
      progress === undefined
        ? `${status} · ${this.RED._('ovh-request.status.seconds', { count: seconds(Date.now() - this.taskSince) })}`
        : `${status} ${progress} %`;
    this.schedule();
  }

  /** The task ended well after this long: `done (17 s)`, not the status code of its last read. */
  taskDone(waitedMs: number): void {
    this.last = {
      fill: 'green',
      shape: 'dot',
      text: this.RED._('ovh-request.status.task-done', {
        time: this.RED._('ovh-request.status.seconds', { count: seconds(waitedMs) }),
      }),
    };
  }

  /** A write succeeded and the API answered nothing (a `void` operation): `done`, not a bare code. */
  wroteNothing(): void {
    this.last = { fill: 'green', shape: 'dot', text: this.RED._('ovh-request.status.done') };
  }

  answered(statusCode: number): void {
    this.last = { fill: statusCode < 400 ? 'green' : 'red', shape: statusCode < 400 ? 'dot' : 'ring', text: String(statusCode) };
  }

  failed(err: unknown): void {
    let text: string;
    if (err instanceof OvhTaskError && err.code === 'TASK_FAILED')
      text = this.RED._('ovh-request.status.task-failed', { status: this.taskStatus ?? err.code });
    else if (err instanceof OvhApiError) text = `${err.statusCode} ${err.errorCode ?? err.errorClass ?? ''}`.trim();
    else if (err instanceof OvhInputError) text = this.inputText(err);
    else if (err instanceof OvhError) text = err.code;
    else text = this.RED._('ovh-request.status.error');
    this.last = { fill: 'red', shape: 'ring', text };
  }

  /** Which input is wrong, in a few words: `missing {zoneName}`, `no keys`, `invalid input`. */
  private inputText(err: OvhInputError): string {
    switch (err.reason?.kind) {
      case 'missing-value':
        return this.RED._('ovh-request.status.missing', { name: `{${err.reason.placeholder}}` });
      case 'missing-credentials':
        return this.RED._('ovh-request.status.no-keys');
      default:
        return this.RED._('ovh-request.status.invalid-input');
    }
  }

  /** Clears the status and stops any pending update. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.node.status({});
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    const wait = this.lastShown + MIN_INTERVAL_MS - Date.now();
    if (wait <= 0) this.show();
    else this.timer = setTimeout(() => this.show(), wait);
  }

  private show(): void {
    this.timer = undefined;
    if (this.closed) return;
    this.lastShown = Date.now();
    if (this.inFlight > 0) {
      let text = this.taskText ?? this.RED._('ovh-request.status.requesting', { count: this.inFlight });
      const queued = this.accountQueue();
      if (queued > 0) text += ' · ' + this.RED._('ovh-request.status.queued', { count: queued });
      this.node.status({ fill: queued > 0 ? 'yellow' : 'blue', shape: 'dot', text });
    } else {
      this.node.status(this.last ?? {});
    }
  }
}

/** Whole seconds, at least one: a task that took 400 ms took `1 s`, not `0 s`. */
function seconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}
