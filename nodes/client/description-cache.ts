/**
 * The API's description kept on disk: each document (a branch's family list, one family) is
 * fetched when first asked for, kept in a folder (the Node-RED user directory's, for the nodes),
 * refreshed when older than a day, and used stale, saying so, when the API cannot be reached.
 * One document failing never touches the others. Concurrent askers of one document share one
 * fetch.
 *
 * Bounded: a document larger than `maxDocumentBytes` is neither kept nor read back, and past
 * `maxTotalBytes` on disk the documents written longest ago are removed. A document is handed
 * over already read (a Reading: its operations only, a list of names), and it is parsed and read
 * by a worker thread (description-reader.ts): this thread handles its bytes, never its parsed
 * tree, which can weigh twenty times its text and take tens of ms to make.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Reading, ReadingResults } from './catalogue';
import { DescriptionReader, ReaderBusy, sharedDescriptionReader } from './description-reader';

export interface CachedDocument<T = unknown> {
  value: T;
  /** When it was fetched (ms since the epoch). */
  fetchedAt: number;
  /** True when it is older than the refresh age and could not be fetched again. */
  stale: boolean;
  /** Why it is stale: the fetch's error message. */
  staleBecause?: string;
  /** Its size as kept on disk, in bytes. */
  bytes: number;
}

export interface DescriptionCacheOptions {
  /** Where the documents are kept; one subfolder per API base. */
  dir: string;
  /** Refetched when older than this (default a day). */
  maxAgeMs?: number;
  now?: () => number;
  /** The largest document kept or read back, in bytes (default 8 MiB). */
  maxDocumentBytes?: number;
  /** Every document on disk together, in bytes (default 64 MiB): past it, the oldest are removed. */
  maxTotalBytes?: number;
  /** What parses and reads the documents (default: the process's one worker thread). */
  reader?: DescriptionReader;
}

/**
 * A document that came (from the API, or from disk) but could not be kept: too large, or not
 * what `read` reads. `bytes`: what it weighed, for whoever counts the work documents cost.
 */
export class UnreadableDocument extends Error {
  constructor(
    message: string,
    readonly bytes: number,
  ) {
    super(message);
  }
}

/** What a reading gives. */
type ResultOf<R extends Reading> = ReadingResults[R['kind']];

const DAY_MS = 24 * 60 * 60 * 1000;
const MIB = 1024 * 1024;
/** A temporary file younger than this is being written, not left over: never removed. */
const WRITING_MS = 60_000;

interface Kept<T> {
  value: T;
  fetchedAt: number;
  bytes: number;
}

/** A kept file: the fetch time, then the document as the API answered it. */
const envelopeHead = (fetchedAt: number) => Buffer.from(`{"fetchedAt":${fetchedAt},"value":`);
const ENVELOPE_TAIL = Buffer.from('}');

export class DescriptionCache {
  readonly maxDocumentBytes: number;
  readonly maxTotalBytes: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly reader: DescriptionReader;
  /** The fetches (and reads of kept copies) in flight, by file and reading: shared by their askers. */
  private readonly pending = new Map<string, Promise<unknown>>();
  private prunes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DescriptionCacheOptions) {
    this.maxAgeMs = options.maxAgeMs ?? DAY_MS;
    this.now = options.now ?? Date.now;
    this.maxDocumentBytes = options.maxDocumentBytes ?? 8 * MIB;
    this.maxTotalBytes = options.maxTotalBytes ?? 64 * MIB;
    this.reader = options.reader ?? sharedDescriptionReader();
  }

  /**
   * A document of one API base, read as `reading` says: from disk when fresh, else fetched (its
   * bytes, as the API answered) and written; the copy on disk, marked stale, when the fetch
   * fails; the fetch's error when there is no copy at all. Every asker of one document is given
   * what the first one's reading made.
   */
  get<R extends Reading>(
    base: string,
    name: string,
    fetch: () => Promise<Buffer>,
    reading: R,
  ): Promise<CachedDocument<ResultOf<R>>> {
    const file = this.fileOf(base, name);
    return this.shared(`get ${file}`, () => this.load(file, fetch, reading));
  }

  /** The copy on disk, however old, read as `reading` says, or undefined; never fetches. */
  peek<R extends Reading>(base: string, name: string, reading: R): Promise<ResultOf<R> | undefined> {
    const file = this.fileOf(base, name);
    // Deploy checks of many nodes ask for the same few: one read for all of them.
    return this.shared(`peek ${file} ${JSON.stringify(reading)}`, async () => (await this.readKept(file, reading))?.value);
  }

  /** The size of every file in the folder together, in bytes. */
  async keptBytes(): Promise<number> {
    return (await this.files()).reduce((sum, file) => sum + file.size, 0);
  }

  private shared<T>(key: string, make: () => Promise<T>): Promise<T> {
    let pending = this.pending.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = make().finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async load<R extends Reading>(
    file: string,
    fetch: () => Promise<Buffer>,
    reading: R,
  ): Promise<CachedDocument<ResultOf<R>>> {
    const kept = await this.readKept(file, reading).catch(() => undefined); // unreadable: fetched again
    if (kept && this.now() - kept.fetchedAt < this.maxAgeMs) return { ...kept, stale: false };
    let parts: Buffer[];
    let value: ResultOf<R>;
    let fetchedAt: number;
    let bytes: number;
    try {
      const answer = await fetch();
      fetchedAt = this.now();
      parts = [envelopeHead(fetchedAt), answer, ENVELOPE_TAIL];
      bytes = parts.reduce((sum, part) => sum + part.length, 0);
      if (bytes > this.maxDocumentBytes) throw this.tooLarge();
      try {
        value = (await this.reader.read<ResultOf<R>>({ bytes: answer }, reading))!.value;
      } catch (err) {
        if (err instanceof ReaderBusy) throw err; // the document is not at fault
        throw new UnreadableDocument(err instanceof Error ? err.message : String(err), bytes);
      }
    } catch (err) {
      if (!kept) throw err;
      return { ...kept, stale: true, staleBecause: err instanceof Error ? err.message : 'the API could not be reached' };
    }
    await this.write(file, parts);
    return { value, fetchedAt, stale: false, bytes };
  }

  /** Why a document over the size budget is refused (the transport's refusal is said so too). */
  tooLarge(): UnreadableDocument {
    return new UnreadableDocument(
      `it is larger than ${this.maxDocumentBytes / MIB} MiB, the most one description may weigh`,
      this.maxDocumentBytes,
    );
  }

  /** A kept document, read; undefined when there is none, or it is not one, or it is too large. */
  private async readKept<R extends Reading>(file: string, reading: R): Promise<Kept<ResultOf<R>> | undefined> {
    const kept = await this.reader.read<ResultOf<R>>({ file, maxBytes: this.maxDocumentBytes }, reading);
    return kept && { value: kept.value, fetchedAt: kept.fetchedAt!, bytes: kept.bytes };
  }

  /** Written whole then renamed (a reader never sees half a document), then the folder kept under its budget. */
  private async write(file: string, parts: Buffer[]): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temporary, parts); // each part in turn: never joined into one more copy
    await fs.rename(temporary, file);
    const pruned = this.prunes.then(() => this.prune(file));
    this.prunes = pruned.catch(() => undefined);
    await pruned;
  }

  /** Removes the documents written longest ago while the folder weighs more than its budget; never `keep`. */
  private async prune(keep: string): Promise<void> {
    const files = await this.files();
    let total = files.reduce((sum, file) => sum + file.size, 0);
    const now = Date.now();
    for (const file of files.sort((a, b) => a.writtenAt - b.writtenAt)) {
      if (total <= this.maxTotalBytes) return;
      if (file.path === keep || (file.path.endsWith('.tmp') && now - file.writtenAt < WRITING_MS)) continue;
      await fs.rm(file.path, { force: true });
      total -= file.size;
    }
  }

  /** Every file kept: one folder per base, one file per document. */
  private async files(): Promise<Array<{ path: string; size: number; writtenAt: number }>> {
    const entries = await fs.readdir(this.options.dir, { recursive: true, withFileTypes: true }).catch(() => []);
    const files = await Promise.all(
      entries
        .filter((entry) => entry.isFile())
        .map(async (entry) => {
          const file = path.join(entry.parentPath, entry.name);
          const stat = await fs.stat(file).catch(() => undefined);
          return stat && { path: file, size: stat.size, writtenAt: stat.mtimeMs };
        }),
    );
    return files.filter((file) => file !== undefined);
  }

  /** One folder per base (hashed: a URL is no file name), one file per document. */
  private fileOf(base: string, name: string): string {
    const folder = createHash('sha256').update(base).digest('hex').slice(0, 16);
    const file = name.replace(/[^A-Za-z0-9.-]+/g, '_') || 'index';
    return path.join(this.options.dir, folder, file + '.json');
  }
}
