/**
 * The node status of ovh-request: "requesting (n)" while calls are in flight, then the last
 * status code. Updates are coalesced to at most one every 250 ms: at hundreds of messages a
 * second, a status per message would cost more than the calls.
 */
import { OvhApiError, OvhError, OvhInputError } from '../client';
import type { Node, NodeAPI, NodeStatus } from '../node-red';

const MIN_INTERVAL_MS = 250;

export class StatusReporter {
  private inFlight = 0;
  private last: NodeStatus | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastShown = 0;
  private closed = false;
  private taskText: string | undefined;

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
    if (this.inFlight === 0) this.taskText = undefined;
    this.schedule();
  }

  /** A task being waited for: its state, and its progress when it has one (`doing 40 %`). */
  task(status: string, progress?: number): void {
    this.taskText = progress === undefined ? status : `${status} ${progress} %`;
    this.schedule();
  }

  answered(statusCode: number): void {
    this.last = { fill: statusCode < 400 ? 'green' : 'red', shape: statusCode < 400 ? 'dot' : 'ring', text: String(statusCode) };
  }

  failed(err: unknown): void {
    let text: string;
    if (err instanceof OvhApiError) text = `${err.statusCode} ${err.errorCode ?? err.errorClass ?? ''}`.trim();
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
