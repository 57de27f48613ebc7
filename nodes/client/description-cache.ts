/**
 * The API's description kept on disk: each document (a branch's family list, one family) is
 * fetched when first asked for, kept in a folder (the Node-RED user directory's, for the nodes),
 * refreshed when older than a day, and used stale, saying so, when the API cannot be reached.
 * One document failing never touches the others. Concurrent askers of one document share one
 * fetch.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface CachedDocument {
  value: unknown;
  /** When it was fetched (ms since the epoch). */
  fetchedAt: number;
  /** True when it is older than the refresh age and could not be fetched again. */
  stale: boolean;
  /** Why it is stale: the fetch's error message. */
  staleBecause?: string;
}

export interface DescriptionCacheOptions {
  /** Where the documents are kept; one subfolder per API base. */
  dir: string;
  /** Refetched when older than this (default a day). */
  maxAgeMs?: number;
  now?: () => number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class DescriptionCache {
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly pending = new Map<string, Promise<CachedDocument>>();

  constructor(private readonly options: DescriptionCacheOptions) {
    this.maxAgeMs = options.maxAgeMs ?? DAY_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * A document of one API base: from disk when fresh, else fetched (and written); the copy on
   * disk, marked stale, when the fetch fails; the fetch's error when there is no copy at all.
   */
  get(base: string, name: string, fetch: () => Promise<unknown>): Promise<CachedDocument> {
    const file = this.fileOf(base, name);
    let pending = this.pending.get(file);
    if (!pending) {
      pending = this.load(file, fetch).finally(() => this.pending.delete(file));
      this.pending.set(file, pending);
    }
    return pending;
  }

  /** The copy on disk, however old, or undefined; never fetches. */
  async peek(base: string, name: string): Promise<unknown> {
    return (await readKept(this.fileOf(base, name)))?.value;
  }

  private async load(file: string, fetch: () => Promise<unknown>): Promise<CachedDocument> {
    const kept = await readKept(file);
    if (kept && this.now() - kept.fetchedAt < this.maxAgeMs) return { ...kept, stale: false };
    try {
      const value = await fetch();
      const fresh = { value, fetchedAt: this.now() };
      await writeKept(file, fresh);
      return { ...fresh, stale: false };
    } catch (err) {
      if (!kept) throw err;
      return { ...kept, stale: true, staleBecause: err instanceof Error ? err.message : 'the API could not be reached' };
    }
  }

  /** One folder per base (hashed: a URL is no file name), one file per document. */
  private fileOf(base: string, name: string): string {
    const folder = createHash('sha256').update(base).digest('hex').slice(0, 16);
    const file = name.replace(/[^A-Za-z0-9.-]+/g, '_') || 'index';
    return path.join(this.options.dir, folder, file + '.json');
  }
}

async function readKept(file: string): Promise<{ value: unknown; fetchedAt: number } | undefined> {
  try {
    const kept = JSON.parse(await fs.readFile(file, 'utf8')) as { value?: unknown; fetchedAt?: unknown };
    return typeof kept.fetchedAt === 'number' && 'value' in kept ? { value: kept.value, fetchedAt: kept.fetchedAt } : undefined;
  } catch {
    return undefined; // none yet, or unreadable: fetched again
  }
}

/** Written whole then renamed: a reader never sees half a document. */
async function writeKept(file: string, kept: { value: unknown; fetchedAt: number }): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(kept));
  await fs.rename(temporary, file);
}
