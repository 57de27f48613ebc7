/**
 * The API's description kept on disk: each document (a branch's family list, one family) is
 * fetched when first asked for, kept in a folder (the Node-RED user directory's, for the nodes),
 * refreshed when older than a day, and used stale, saying so, when the API cannot be reached.
 * One document failing never touches the others. Concurrent askers of one document share one
 * fetch.
 *
 * Bounded: a document larger than `maxDocumentBytes` is neither kept nor read back, and past
 * `maxTotalBytes` on disk the documents written longest ago are removed. A document is handed
 * over already read (`read`, e.g. its operations only): its whole parsed tree, which can weigh
 * twenty times its text, lives only between its parse and that read, with no wait in between, so
 * two such trees never coexist; reads from disk go one at a time for the same reason.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

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

/** What a kept document is read into; throws for a document it cannot read. */
export type DocumentReader<T> = (value: unknown) => T;

const DAY_MS = 24 * 60 * 60 * 1000;
const MIB = 1024 * 1024;
/** A temporary file younger than this is being written, not left over: never removed. */
const WRITING_MS = 60_000;

interface Kept<T> {
  value: T;
  fetchedAt: number;
  bytes: number;
}

export class DescriptionCache {
  readonly maxDocumentBytes: number;
  readonly maxTotalBytes: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly pending = new Map<string, Promise<CachedDocument<unknown>>>();
  /** The disk reads and the pruning, each after the one before. */
  private reads: Promise<unknown> = Promise.resolve();
  private prunes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DescriptionCacheOptions) {
    this.maxAgeMs = options.maxAgeMs ?? DAY_MS;
    this.now = options.now ?? Date.now;
    this.maxDocumentBytes = options.maxDocumentBytes ?? 8 * MIB;
    this.maxTotalBytes = options.maxTotalBytes ?? 64 * MIB;
  }

  /**
   * A document of one API base, read by `read`: from disk when fresh, else fetched (and
   * written); the copy on disk, marked stale, when the fetch fails; the fetch's error when there
   * is no copy at all. Every asker of one document is given what the first one's `read` made.
   */
  get<T = unknown>(
    base: string,
    name: string,
    fetch: () => Promise<unknown>,
    read: DocumentReader<T> = (value) => value as T,
  ): Promise<CachedDocument<T>> {
    const file = this.fileOf(base, name);
    let pending = this.pending.get(file);
    if (!pending) {
      pending = this.load(file, fetch, read).finally(() => this.pending.delete(file));
      this.pending.set(file, pending);
    }
    return pending as Promise<CachedDocument<T>>;
  }

  /** The copy on disk, however old, read by `read`, or undefined; never fetches. */
  async peek<T = unknown>(base: string, name: string, read: DocumentReader<T> = (value) => value as T): Promise<T | undefined> {
    return (await this.readKept(this.fileOf(base, name), read))?.value;
  }

  /** The size of every file in the folder together, in bytes. */
  async keptBytes(): Promise<number> {
    return (await this.files()).reduce((sum, file) => sum + file.size, 0);
  }

  private async load<T>(file: string, fetch: () => Promise<unknown>, read: DocumentReader<T>): Promise<CachedDocument<T>> {
    const kept = await this.readKept(file, read).catch(() => undefined); // unreadable: fetched again
    if (kept && this.now() - kept.fetchedAt < this.maxAgeMs) return { ...kept, stale: false };
    let text: string;
    let value: T;
    let fetchedAt: number;
    try {
      const answer = await fetch();
      fetchedAt = this.now();
      // No wait from here to the read: the parsed answer is dropped before any other is made.
      text = `{"fetchedAt":${fetchedAt},"value":${JSON.stringify(answer) ?? 'null'}}`;
      if (Buffer.byteLength(text) > this.maxDocumentBytes) throw this.tooLarge();
      try {
        value = read(answer);
      } catch (err) {
        throw new UnreadableDocument(err instanceof Error ? err.message : String(err), Buffer.byteLength(text));
      }
    } catch (err) {
      if (!kept) throw err;
      return { ...kept, stale: true, staleBecause: err instanceof Error ? err.message : 'the API could not be reached' };
    }
    await this.write(file, text);
    return { value, fetchedAt, stale: false, bytes: Buffer.byteLength(text) };
  }

  /** Why a document over the size budget is refused (the transport's refusal is said so too). */
  tooLarge(): UnreadableDocument {
    return new UnreadableDocument(
      `it is larger than ${this.maxDocumentBytes / MIB} MiB, the most one description may weigh`,
      this.maxDocumentBytes,
    );
  }

  /** A kept document, read; undefined when there is none, or it is not one, or it is too large. */
  private readKept<T>(file: string, read: DocumentReader<T>): Promise<Kept<T> | undefined> {
    const next = this.reads.then(async (): Promise<Kept<T> | undefined> => {
      let text: string;
      try {
        const { size } = await fs.stat(file);
        if (size > this.maxDocumentBytes) return undefined; // kept by an older version, or not by us
        text = await fs.readFile(file, 'utf8');
      } catch {
        return undefined; // none yet
      }
      let kept: { value?: unknown; fetchedAt?: unknown };
      try {
        kept = JSON.parse(text) as { value?: unknown; fetchedAt?: unknown };
      } catch {
        return undefined;
      }
      if (typeof kept?.fetchedAt !== 'number' || !('value' in kept)) return undefined;
      return { value: read(kept.value), fetchedAt: kept.fetchedAt, bytes: Buffer.byteLength(text) };
    });
    this.reads = next.catch(() => undefined);
    return next;
  }

  /** Written whole then renamed (a reader never sees half a document), then the folder kept under its budget. */
  private async write(file: string, text: string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temporary, text);
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
