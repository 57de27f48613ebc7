/**
 * The word search's figures (`npm run bench -- --regime search`) on the whole real EU API
 * (test/fixtures/ovh-api-schemas/full): its quality on the evaluation set
 * (test/fixtures/search-evaluation.json: top-1, top-5, mean reciprocal rank; targets 70 % and
 * 95 %), the time per query (target under 5 ms) and to build the index (target under 1 s), and
 * the heap the index takes beside what the budget estimates for it.
 */
import { performance } from 'node:perf_hooks';
import { OperationSearch, type Operation } from '../../nodes/client';
import { indexWeight } from '../../nodes/client/operation-search';
import { evaluate, evaluationQueries, fullApiOperations } from '../helpers/search-evaluation';

export interface SearchFigures {
  operations: number;
  queries: number;
  families: number;
  top1: number;
  top5: number;
  mrr: number;
  /** Median over runs of the whole evaluation set, per query: wall time, and CPU time of this thread. */
  queryMs: number;
  queryCpuMs: number;
  /** The slowest query's median. */
  slowestQueryMs: number;
  slowestQuery: string;
  /** Median of 5 builds of the index over every operation: wall time, and CPU time. */
  buildMs: number;
  buildCpuMs: number;
  /** The heap the search takes (after GC: word index and path lookup), and what the memory budget counts for its word index. */
  heapMb: number;
  estimateMb: number;
  /** The misses, for reading: the query, the rank of the operation wanted (0: not in the first 20). */
  misses: Array<{ q: string; rank: number }>;
}

declare const gc: () => void;
const MB = 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function heap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** CPU time of `run`, in ms (user and system). */
function cpuMs(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export function measureSearch(): SearchFigures {
  const operations: Operation[] = fullApiOperations();
  const builds: number[] = [];
  const buildCpu: number[] = [];
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    buildCpu.push(cpuMs(() => new OperationSearch(operations)));
    builds.push(performance.now() - t);
  }
  const before = heap();
  const search = new OperationSearch(operations);
  const heapBytes = heap() - before;
  const quality = evaluate(search);
  const queries = evaluationQueries().map((q) => q.q);
  const perQuery: number[] = [];
  const perQueryCpu: number[] = [];
  for (let run = 0; run < 7; run++) {
    const t = performance.now();
    perQueryCpu.push(cpuMs(() => queries.forEach((q) => search.search(q, 20))) / queries.length);
    perQuery.push((performance.now() - t) / queries.length);
  }
  let slowestQueryMs = 0;
  let slowestQuery = '';
  for (const q of queries) {
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t = performance.now();
      search.search(q, 20);
      runs.push(performance.now() - t);
    }
    if (median(runs) > slowestQueryMs) [slowestQueryMs, slowestQuery] = [median(runs), q];
  }
  // What keptFamily counts for the index of every family (the rest of its estimate is the operations').
  const families = new Map<string, Operation[]>();
  for (const o of operations) families.set(o.family, [...(families.get(o.family) ?? []), o]);
  const estimate = [...families.values()].reduce((sum, ops) => sum + indexWeight(ops), 0);
  return {
    operations: operations.length,
    queries: quality.queries,
    families: quality.families,
    top1: quality.top1,
    top5: quality.top5,
    mrr: quality.mrr,
    queryMs: median(perQuery),
    queryCpuMs: median(perQueryCpu),
    slowestQueryMs,
    slowestQuery,
    buildMs: median(builds),
    buildCpuMs: median(buildCpu),
    heapMb: heapBytes / MB,
    estimateMb: estimate / MB,
    misses: quality.misses.map(({ q, rank }) => ({ q, rank })),
  };
}
