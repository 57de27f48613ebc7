/**
 * Parses and reads the API's description documents off the runtime's thread. A document of
 * megabytes takes 50 to 100 ms to parse and read, and its parsed tree can weigh twenty times its
 * text: on the runtime's thread that would hold every other flow that long, and its heap that
 * much, at each family a word search reads. Here a worker thread does it (description-worker.ts)
 * and hands back only what the reading keeps (a family's operations and the models their fields
 * read, a list of names), usually a few hundred KB.
 *
 * Bounded: one worker per process at most, made when first needed and ended when idle, never
 * keeping the process alive but for a document being read; one document at a time, a bounded queue; a heap limit and a
 * deadline per document, past which the document is refused and the worker replaced.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Reading } from './catalogue';

/** Where a document is read from: an answer's bytes, or a kept file (no larger than `maxBytes`). */
export type DocumentSource = { bytes: Uint8Array } | { file: string; maxBytes: number };

/** What the runtime's thread sends the worker. */
export interface ReaderJob {
  source: DocumentSource;
  reading: Reading;
}

/** What the worker answers: the reading's result (`kept: false`: no such kept file), or why it failed. */
export type ReaderReply =
  | { ok: true; kept: true; value: unknown; fetchedAt?: number; bytes: number }
  | { ok: true; kept: false }
  | { ok: false; message: string }
  | { ok: false; tooIntricate: true };

export interface DescriptionReaderOptions {
  /** The worker's heap, in MB (default 160): a real family of 8 MiB takes about 60 MB parsed. */
  heapMb?: number;
  /** The longest one document may take, in ms (default 5 s): /cloud, the largest real one, takes about 30 ms. */
  deadlineMs?: number;
  /** The worker is ended after this long without a document, in ms (default 30 s). */
  idleMs?: number;
  /** Documents waiting their turn (default 32): past it, a document is refused at once. */
  mostWaiting?: number;
}

/** A document the worker could not read in its heap or its time: refused, the worker replaced. */
export class DocumentTooIntricate extends Error {}

/** Every document waiting is refused while the reader is this busy. */
export class ReaderBusy extends Error {}

interface Job extends ReaderJob {
  resolve: (reply: ReaderReply) => void;
  reject: (err: Error) => void;
}

/** The document being read, by which worker, and its deadline once timed. */
interface InProgress {
  job: Job;
  worker: Worker;
  deadline: NodeJS.Timeout | undefined;
}

const WORKER_FILE = path.join(__dirname, 'description-worker.js');

export class DescriptionReader {
  private readonly heapMb: number;
  private readonly deadlineMs: number;
  private readonly idleMs: number;
  private readonly mostWaiting: number;
  private worker: Worker | undefined;
  private readonly waiting: Job[] = [];
  private current: InProgress | undefined;
  /** The workers whose thread has started. */
  private readonly online = new WeakSet<Worker>();
  private idle: NodeJS.Timeout | undefined;

  constructor(options: DescriptionReaderOptions = {}) {
    this.heapMb = options.heapMb ?? 160;
    this.deadlineMs = options.deadlineMs ?? 5_000;
    this.idleMs = options.idleMs ?? 30_000;
    this.mostWaiting = options.mostWaiting ?? 32;
  }

  /**
   * Reads a document as `reading` says. Resolves undefined for a kept file that is not there (or
   * is not one the cache wrote); rejects with the reading's own error (a document it cannot
   * read), DocumentTooIntricate, or ReaderBusy.
   */
  async read<T>(source: DocumentSource, reading: Reading): Promise<{ value: T; fetchedAt?: number; bytes: number } | undefined> {
    const reply = await new Promise<ReaderReply>((resolve, reject) => {
      if (this.waiting.length >= this.mostWaiting) {
        reject(new ReaderBusy('the runtime is reading too many descriptions at once: ask again in a moment'));
        return;
      }
      this.waiting.push({ source, reading, resolve, reject });
      this.next();
    });
    if (!reply.ok) throw 'tooIntricate' in reply ? this.tooIntricate() : new Error(reply.message);
    return reply.kept ? { value: reply.value as T, fetchedAt: reply.fetchedAt, bytes: reply.bytes } : undefined;
  }

  /** Whether a worker is running (it is ended when idle). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Ends the worker now; documents waiting or being read are refused. */
  async close(): Promise<void> {
    const ended = new Error('the description reader was closed');
    for (const job of this.waiting.splice(0)) job.reject(ended);
    const current = this.current;
    const worker = this.worker;
    this.discard(worker);
    if (current) this.finish(current.job, () => current.job.reject(ended));
    clearTimeout(this.idle);
    if (worker) await worker.terminate().catch(() => undefined);
  }

  /** Starts the next document when none is being read. */
  private next(): void {
    if (this.current || this.waiting.length === 0) return;
    const job = this.waiting.shift()!;
    clearTimeout(this.idle);
    const worker = (this.worker ??= this.start());
    const current: InProgress = { job, worker, deadline: undefined };
    this.current = current;
    worker.ref(); // a document being read keeps the process for its answer (at most the deadline)
    // The bytes are copied, not moved: the cache writes them to disk once they are read.
    worker.postMessage({ source: job.source, reading: job.reading } satisfies ReaderJob);
    // The document's own time, from when the thread runs (starting one is not the document's doing).
    const timeDocument = () => {
      if (this.current !== current) return;
      current.deadline = setTimeout(() => {
        this.discard(worker); // it may be stuck in the parse: a new one reads the next document
        this.finish(job, () => job.reject(this.tooIntricate()));
      }, this.deadlineMs);
      current.deadline.unref();
    };
    if (this.online.has(worker)) timeDocument();
    else worker.once('online', timeDocument);
  }

  private start(): Worker {
    const worker = new Worker(WORKER_FILE, {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    });
    worker.once('online', () => this.online.add(worker));
    worker.on('message', (reply: ReaderReply) => {
      const current = this.current;
      if (current?.worker === worker) this.finish(current.job, () => current.job.resolve(reply));
    });
    // Out of heap (ERR_WORKER_OUT_OF_MEMORY), or any other failure of the worker itself: the
    // document it was reading is refused, and the next one is read by a new worker.
    const failed = (why: Error) => {
      this.discard(worker);
      const current = this.current;
      if (current?.worker === worker) this.finish(current.job, () => current.job.reject(why));
    };
    worker.on('error', (err: Error & { code?: string }) =>
      failed(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? this.tooIntricate()
          : new Error(`the description reader failed: ${err.message}`),
      ),
    );
    worker.on('exit', () => failed(new Error('the description reader stopped')));
    worker.unref(); // idle, never what keeps the process running (after the listeners: adding one refs it)
    return worker;
  }

  /** Ends the document being read (`settle` answers it), then starts the next one or waits, idle. */
  private finish(job: Job, settle: () => void): void {
    if (this.current?.job !== job) return;
    clearTimeout(this.current.deadline);
    this.current = undefined;
    settle();
    this.next();
    if (!this.current && this.worker) {
      this.worker.unref();
      clearTimeout(this.idle);
      this.idle = setTimeout(() => this.discard(this.worker), this.idleMs);
      this.idle.unref();
    }
  }

  /** Ends a worker (stuck, failed, idle or closed): the next document starts a new one. */
  private discard(worker: Worker | undefined): void {
    if (!worker) return;
    if (this.worker === worker) this.worker = undefined;
    // Not awaited: stopping a thread in the middle of a parse takes V8 a moment.
    worker.terminate().catch(() => undefined);
  }

  private tooIntricate(): DocumentTooIntricate {
    return new DocumentTooIntricate(
      `it is too large or too intricate to read (it would take more than ${this.heapMb} MB of memory or ${this.deadlineMs / 1000} s)`,
    );
  }
}

let shared: DescriptionReader | undefined;

/** The process's one reader: every description cache reads through it. */
export function sharedDescriptionReader(): DescriptionReader {
  return (shared ??= new DescriptionReader());
}
