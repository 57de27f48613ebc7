/**
 * The operation search measured on everyday requests (test/fixtures/search-evaluation.json)
 * over the whole EU API (test/fixtures/ovh-api-schemas/full): how often the operation wanted is
 * first, in the first five, and the mean reciprocal rank. Shared by the quality test and
 * `npm run bench -- --regime search`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OperationSearch, readFamily, type Operation } from '../../nodes/client';
import { fixturesDir } from '.';
import { fullApiFamilies } from './full-api';

export interface EvaluationQuery {
  q: string;
  family: string;
  lang?: string;
  /** `METHOD /path`: any of them counts as found. */
  expected: string[];
}

export interface Evaluation {
  queries: number;
  families: number;
  /** Shares of the queries, 0 to 1. */
  top1: number;
  top5: number;
  mrr: number;
  /** The queries whose operation is not first: its rank (0 when not in the first 20) and what came first. */
  misses: Array<{ q: string; rank: number; first: string[] }>;
}

export function evaluationQueries(): EvaluationQuery[] {
  const file = path.join(fixturesDir, 'search-evaluation.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { queries: EvaluationQuery[] }).queries;
}

/** Every operation of the whole EU API, read as the catalogue reads each family (one it cannot read, `/products`, left out as it leaves it). */
export function fullApiOperations(): Operation[] {
  return fullApiFamilies().flatMap((family) => {
    try {
      return readFamily(family.branch, family.name, family.description).operations;
    } catch {
      return [];
    }
  });
}

/** The search's figures on the evaluation set. */
export function evaluate(search: OperationSearch, queries = evaluationQueries()): Evaluation {
  let top1 = 0;
  let top5 = 0;
  let reciprocal = 0;
  const misses: Evaluation['misses'] = [];
  for (const query of queries) {
    const found = search.search(query.q, 20).map((o) => `${o.method} ${o.path}`);
    const rank = found.findIndex((line) => query.expected.includes(line)) + 1;
    if (rank === 1) top1++;
    if (rank >= 1 && rank <= 5) top5++;
    if (rank >= 1) reciprocal += 1 / rank;
    if (rank !== 1) misses.push({ q: query.q, rank, first: found.slice(0, 3) });
  }
  return {
    queries: queries.length,
    families: new Set(queries.map((q) => q.family)).size,
    top1: top1 / queries.length,
    top5: top5 / queries.length,
    mrr: reciprocal / queries.length,
    misses,
  };
}
