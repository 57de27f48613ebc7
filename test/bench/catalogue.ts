/**
 * The catalogue's figures (issue targets: index a 4 MB family in under 1 s, search 6,000
 * operations in under 20 ms, answers under 100 KB): a synthetic family the size of `/cloud`,
 * made by repeating the real `/domain` description under other paths, then searches over
 * 6,000 operations made the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { OperationSearch, readFamily, type Operation } from '../../nodes/client';
import { repoRoot } from '../helpers';

export interface CatalogueFigures {
  familyBytes: number;
  familyOperations: number;
  /** Median of the runs: JSON.parse, reading the operations and building the search. */
  indexMs: number;
  searchedOperations: number;
  /** The slowest median among the queries. */
  searchMs: number;
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
  return {
    familyBytes: Buffer.byteLength(text),
    familyOperations: operations.length,
    indexMs: median(indexRuns),
    searchedOperations: many.length,
    searchMs,
    largestAnswerBytes,
  };
}
