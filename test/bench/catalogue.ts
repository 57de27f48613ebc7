/**
 * The catalogue's figures (targets: index a 4 MB family in under 1 s, search 6,000 operations
 * in under 20 ms, answers under 100 KB): a synthetic family the size of `/cloud`, made by
 * repeating the real `/domain` description under other paths, then searches over 6,000
 * operations made the same way; then 15,000, what the whole memory budget holds (the quality
 * of the word search is the search regime's: search.ts). And its memory: the whole real EU API loaded
 * from a server on loopback as a word search loads it (target: under 64 MB of heap), then
 * hostile APIs (many large families, families over the size budget) held to the budgets.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DescriptionCache, OperationSearch, readFamily, type Operation } from '../../nodes/client';
import { ApiCatalogue, CATALOGUE_BUDGETS, CatalogueMemory } from '../../nodes/account/api-catalogue';
import { repoRoot } from '../helpers';
import type { DescriptionServerMode } from './description-server';

export interface CatalogueFigures {
  familyBytes: number;
  familyOperations: number;
  /** Median of the runs: JSON.parse, reading the operations and building the search. */
  indexMs: number;
  searchedOperations: number;
  /** The slowest median among the queries. */
  searchMs: number;
  /** The same over MANY operations. */
  searchManyMs: number;
  manyOperations: number;
  /** The largest search answer, as JSON. */
  largestAnswerBytes: number;
}

/** `/domain`'s description (paths and models) repeated under other names until it weighs `bytes`. */
function syntheticFamily(bytes: number): string {
  const domain = JSON.parse(
    fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'ovh-api-schemas', '1.0', 'domain.json'), 'utf8'),
  ) as { apis: Array<{ path: string }>; models: Record<string, unknown> };
  const apis: Array<{ path: string }> = [];
  const models: Record<string, unknown> = {};
  let text = '';
  for (let i = 0; Buffer.byteLength(text) < bytes; i++) {
    apis.push(...domain.apis.map((api) => ({ ...api, path: `/cloud/part${i}${api.path}` })));
    for (const [name, model] of Object.entries(domain.models)) models[`part${i}.${name}`] = model;
    text = JSON.stringify({ ...domain, apis, models });
  }
  return text;
}

/** As many operations as the whole memory budget holds (about 3 KB each), twice what one API's catalogue may hold (the whole EU API is 6,624). */
const MANY = 15_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function measureCatalogue(): CatalogueFigures {
  const text = syntheticFamily(4 * 1024 * 1024); // the size of /cloud
  const indexRuns: number[] = [];
  let operations: Operation[] = [];
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    const family = readFamily('1.0', '/cloud', JSON.parse(text));
    new OperationSearch(family.operations);
    indexRuns.push(performance.now() - t);
    operations = family.operations;
  }
  // The whole API's 6,000 or so operations: as many copies as it takes, cut at 6,000.
  const copies = Math.ceil(6_000 / operations.length);
  const many = Array.from({ length: copies }, (_v, n) => operations.map((o) => ({ ...o, path: `/f${n}${o.path}` })))
    .flat()
    .slice(0, 6_000);
  const search = new OperationSearch(many);
  let searchMs = 0;
  let largestAnswerBytes = 0;
  for (const query of ['/f0/cloud/part7/domain/zone/{zoneName}/re', 'reboot', 'dns record', 'zone', 'x']) {
    const runs: number[] = [];
    for (let run = 0; run < 9; run++) {
      const t = performance.now();
      const found = search.search(query, 20);
      runs.push(performance.now() - t);
      largestAnswerBytes = Math.max(
        largestAnswerBytes,
        Buffer.byteLength(
          JSON.stringify(found.map(({ method, path: p, status, description }) => ({ method, path: p, status, description }))),
        ),
      );
    }
    searchMs = Math.max(searchMs, median(runs));
  }
  const copiesForMany = Math.ceil(MANY / operations.length);
  const manyMore = new OperationSearch(
    Array.from({ length: copiesForMany }, (_v, n) => operations.map((o) => ({ ...o, path: `/f${n}${o.path}` })))
      .flat()
      .slice(0, MANY),
  );
  let searchManyMs = 0;
  for (const query of ['/f0/cloud/part7/domain/zone/{zoneName}/re', 'reboot', 'dns record', 'zone', 'x', 'e']) {
    const runs: number[] = [];
    for (let run = 0; run < 9; run++) {
      const t = performance.now();
      manyMore.search(query, 20);
      runs.push(performance.now() - t);
    }
    searchManyMs = Math.max(searchManyMs, median(runs));
  }
  return {
    familyBytes: Buffer.byteLength(text),
    familyOperations: operations.length,
    indexMs: median(indexRuns),
    searchedOperations: many.length,
    searchMs,
    searchManyMs,
    manyOperations: MANY,
    largestAnswerBytes,
  };
}

/** What the catalogue of one API holds once a word search has loaded it. */
export interface CatalogueLoad {
  /** Families the index lists (as read, within the family budget), fetched, and held. */
  familiesAsked: number;
  familiesHeld: number;
  operations: number;
  /** Documents the server was asked for, and the time the search took to load everything. */
  requests: number;
  loadMs: number;
  /** Growth of the heap (after GC) and of the RSS over the process before the catalogue. */
  heapMb: number;
  rssMb: number;
  /** The whole process after the load: heap used (after GC) and RSS. */
  processHeapMb: number;
  processRssMb: number;
  /** The catalogue's own estimate of what it holds, and the folder of kept documents. */
  estimateMb: number;
  diskMb: number;
  /** Loading everything again from the documents kept on disk (a restarted runtime). */
  fromDiskMs?: number;
  /** A word search over what is held: the slowest median among a few queries. */
  searchMs: number;
}

export interface CatalogueMemoryFigures {
  budgets: typeof CATALOGUE_BUDGETS;
  real: CatalogueLoad;
  hostile: CatalogueLoad;
  oversized: CatalogueLoad & { error?: string };
}

declare const gc: () => void;
const MB = 1024 * 1024;

function memory(): { heap: number; rss: number } {
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

/** A description server in its own process (description-server.ts), for the time of `use`. */
async function withServer<T>(
  mode: DescriptionServerMode,
  use: (url: string, stats: () => Promise<{ requests: number }>) => Promise<T>,
): Promise<T> {
  const child = fork(path.join(__dirname, 'description-server.js'), [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <A>(type: string) =>
    new Promise<A>((resolve) => {
      const onMessage = (message: { type: string } & Record<string, unknown>) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message as A);
      };
      child.on('message', onMessage);
      if (type !== 'ready') child.send({ type });
    });
  const { url } = await ask<{ url: string }>('ready');
  try {
    return await use(url, () => ask('stats'));
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    await exited;
  }
}

/** One API loaded as a word search loads it, with the runtime's budgets, into a fresh folder. */
async function loadApi(mode: DescriptionServerMode): Promise<CatalogueLoad & { error?: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-bench-catalogue-'));
  try {
    return await withServer(mode, async (url, stats) => {
      const cache = new DescriptionCache({
        dir,
        maxDocumentBytes: CATALOGUE_BUDGETS.documentBytes,
        maxTotalBytes: CATALOGUE_BUDGETS.diskBytes,
      });
      const budget = new CatalogueMemory(CATALOGUE_BUDGETS.memoryBytes);
      const before = memory();
      const started = performance.now();
      const catalogue = new ApiCatalogue(`${url}/1.0`, cache, budget);
      await catalogue.loadEverything();
      const loadMs = performance.now() - started;
      const after = memory();
      const sent = await stats();
      const searchMs = Math.max(
        ...['reboot', 'dns record', 'zone', 'e', '/domain/zone/{zoneName}/re'].map((query) => {
          const runs: number[] = [];
          for (let run = 0; run < 9; run++) {
            const t = performance.now();
            catalogue.find(query, { limit: 20 });
            runs.push(performance.now() - t);
          }
          return median(runs);
        }),
      );
      const lists = await catalogue.familyLists();
      const figures: CatalogueLoad & { error?: string } = {
        familiesAsked: Object.values(lists).reduce((sum, names) => sum + (Array.isArray(names) ? names.length : 0), 0),
        familiesHeld: catalogue.loadedFamilies,
        operations: catalogue.loadedOperations,
        requests: sent.requests,
        loadMs,
        heapMb: (after.heap - before.heap) / MB,
        rssMb: (after.rss - before.rss) / MB,
        processHeapMb: after.heap / MB,
        processRssMb: after.rss / MB,
        estimateMb: budget.bytes / MB,
        diskMb: (await cache.keptBytes()) / MB,
        searchMs,
      };
      if (mode === 'oversized') figures.error = catalogue.failure('1.0', '/h0');
      if (mode === 'real') {
        // A restarted runtime: everything read again from the folder, nothing fetched.
        const t = performance.now();
        await new ApiCatalogue(`${url}/1.0`, cache, new CatalogueMemory(CATALOGUE_BUDGETS.memoryBytes)).loadEverything();
        figures.fromDiskMs = performance.now() - t;
      }
      return figures;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The catalogue's memory: the real API, then the hostile ones, each in a fresh folder. */
export async function measureCatalogueMemory(): Promise<CatalogueMemoryFigures> {
  const real = await loadApi('real');
  const hostile = await loadApi('hostile');
  const oversized = await loadApi('oversized');
  return { budgets: CATALOGUE_BUDGETS, real, hostile, oversized };
}
