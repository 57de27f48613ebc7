/**
 * The API's description of itself, read into what an editor needs: the families a branch lists
 * (`GET /1.0/`, `GET /v2/`), each family's operations (`GET /1.0/domain.json`), and a search over
 * them by path and by the words of their descriptions. Pure: fetching and caching are the
 * caller's.
 */
import { METHODS, type HttpMethod } from './request';
import type { Branch } from './call-path';
import { modelsUsed } from './parameters';
import { ListIndex, operationSources, type OperationSources } from './value-sources';
import { indexWeight } from './operation-search';

export { locate, type Branch } from './call-path';
export { OperationSearch, marks, queryWords, typedPathMarks, type SearchHit, type SearchOptions } from './operation-search';

export interface OperationParameter {
  /** Empty for a body parameter that is the whole body (its type is a model). */
  name: string;
  type: string;
  in: 'path' | 'query' | 'body' | 'header';
  required: boolean;
  description: string;
}

export interface Operation {
  method: HttpMethod;
  /** As a call writes it: `/domain/zone/{zoneName}/record`; `/v2/iam/policy` on the /v2 branch. */
  path: string;
  /** The family it was described in, as a call writes it: `/domain`, `/v2/iam`. */
  family: string;
  description: string;
  /** PRODUCTION, BETA, ALPHA or DEPRECATED. */
  status: string;
  /** For a deprecated operation: when it goes, and what replaces it (as the API writes it). */
  deprecation?: { deprecatedDate?: string; deletionDate?: string; replacement?: string };
  responseType?: string;
  iamActions: string[];
  parameters: OperationParameter[];
  noAuthentication: boolean;
  /** Where the values of its fields come from (the lists the API describes), for fields that have one. */
  sources?: OperationSources;
}

export interface Family {
  branch: Branch;
  /** e.g. `/domain`, `/dedicated/server` (without the branch). */
  name: string;
  operations: Operation[];
  /** The models behind body and response types, as the API describes them. */
  models: Record<string, unknown>;
}

const PARAM_PLACES = new Set(['path', 'query', 'body', 'header']);
/** A deprecation date the API writes when it has none. */
const NO_DATE = /^0001-01-01/;

/** The family of a located path among a branch's family names: the longest one it starts with. */
export function familyOf(names: readonly string[], located: { branch: Branch; path: string }): string | undefined {
  const rest = located.branch === 'v2' ? located.path.slice(3) : located.path;
  return names.filter((name) => rest === name || rest.startsWith(name + '/')).sort((a, b) => b.length - a.length)[0];
}

/**
 * The operation a call makes: the one written exactly so (`/domain/zone/{zoneName}/record`), else
 * the one whose placeholders the call's path fills (`/domain/zone/example.com/record`), a
 * literal segment winning over a placeholder where both match.
 */
export function findOperation(operations: readonly Operation[], method: string, path: string): Operation | undefined {
  const exact = operations.find((o) => o.method === method && o.path === path);
  if (exact) return exact;
  const segments = path.split('/');
  let best: { operation: Operation; literals: number } | undefined;
  for (const operation of operations) {
    if (operation.method !== method) continue;
    const template = operation.path.split('/');
    if (template.length !== segments.length) continue;
    let literals = 0;
    const fits = template.every((part, i) => {
      if (/^\{[^/{}]+\}$/.test(part)) return segments[i] !== '';
      literals++;
      return part === segments[i];
    });
    if (fits && (!best || literals > best.literals)) best = { operation, literals };
  }
  return best?.operation;
}

/** The family names a branch lists (`GET /1.0/` answers `{apis: [{path: "/domain"}, ...]}`). */
export function readFamilyList(answer: unknown): string[] {
  const apis = record(answer).apis;
  if (!Array.isArray(apis)) throw new Error('the API did not answer a list of families');
  return apis
    .map((api) => record(api).path)
    .filter((path): path is string => typeof path === 'string' && /^\/[A-Za-z0-9/]+$/.test(path));
}

/** One family's operations, from its description (`GET /1.0/domain.json`). */
export function readFamily(branch: Branch, name: string, answer: unknown): Family {
  const description = record(answer);
  if (!Array.isArray(description.apis)) throw new Error(`the description of ${name} holds no paths`);
  const prefix = branch === 'v2' ? '/v2' : '';
  const operations: Operation[] = [];
  for (const api of description.apis) {
    const path = record(api).path;
    const list = record(api).operations;
    if (typeof path !== 'string' || !path.startsWith('/') || !Array.isArray(list)) continue;
    for (const raw of list) {
      const operation = readOperation(prefix + path, prefix + name, record(raw));
      if (operation) operations.push(operation);
    }
  }
  const models = record(description.models);
  const lists = new ListIndex(operations);
  for (const operation of operations) {
    const sources = operationSources(operation, lists, models);
    if (Object.keys(sources).length > 0) operation.sources = sources;
  }
  return { branch, name, operations, models };
}

function readOperation(path: string, family: string, raw: Record<string, unknown>): Operation | undefined {
  const method = text(raw.httpMethod).toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) return undefined;
  const apiStatus = record(raw.apiStatus);
  const status = text(apiStatus.value) || 'PRODUCTION';
  const operation: Operation = {
    method: method as HttpMethod,
    path,
    family,
    description: text(raw.description),
    status,
    responseType: text(raw.responseType) || undefined,
    iamActions: (Array.isArray(raw.iamActions) ? raw.iamActions : []).map((a) => text(record(a).name)).filter(Boolean),
    parameters: (Array.isArray(raw.parameters) ? raw.parameters : []).map((p) => readParameter(record(p))).filter(isDefined),
    noAuthentication: raw.noAuthentication === true,
  };
  if (status === 'DEPRECATED') {
    const date = (value: unknown) => (text(value) && !NO_DATE.test(text(value)) ? text(value) : undefined);
    operation.deprecation = {
      deprecatedDate: date(apiStatus.deprecatedDate),
      deletionDate: date(apiStatus.deletionDate),
      replacement: text(apiStatus.replacement) || undefined,
    };
  }
  return operation;
}

function readParameter(raw: Record<string, unknown>): OperationParameter | undefined {
  const place = text(raw.paramType);
  if (!PARAM_PLACES.has(place)) return undefined;
  return {
    name: text(raw.name),
    type: text(raw.fullType) || text(raw.dataType),
    in: place as OperationParameter['in'],
    required: raw.required === true,
    description: text(raw.description),
  };
}

/** A family as an editor keeps it in memory, with its estimated size in bytes. */
export interface KeptFamily extends Family {
  bytes: number;
}

/**
 * What a description document is read into, where it is parsed (a worker thread, see
 * description-reader.ts): only this crosses back to the runtime's thread, never the document.
 */
export type Reading =
  /** A branch's family names, at most `most`, none longer than `mostNameLength`. */
  | { kind: 'family-list'; most: number; mostNameLength: number }
  /** A family as kept (keptFamily); refused when it would weigh more than `mostBytes`. */
  | { kind: 'family'; branch: Branch; name: string; mostBytes: number; mostDescriptionLength: number }
  /** The one operation a call makes (findOperation), its description cut to `mostDescriptionLength`. */
  | { kind: 'operation'; branch: Branch; name: string; method: string; path: string; mostDescriptionLength: number };

/** What each reading gives. */
export interface ReadingResults {
  'family-list': string[];
  family: KeptFamily;
  operation: { operation: Operation | null };
}

/** A document (parsed) read as `reading` says; throws for a document it cannot read. */
export function readDocument(reading: Reading, value: unknown): ReadingResults[Reading['kind']] {
  switch (reading.kind) {
    case 'family-list':
      return readFamilyList(value)
        .filter((name) => name.length <= reading.mostNameLength)
        .slice(0, reading.most);
    case 'family': {
      const kept = keptFamily(readFamily(reading.branch, reading.name, value), reading.mostDescriptionLength);
      if (kept.bytes > reading.mostBytes) {
        throw new Error(`its operations would take more than ${reading.mostBytes / (1024 * 1024)} MiB of memory`);
      }
      return kept;
    }
    case 'operation': {
      const operation = findOperation(readFamily(reading.branch, reading.name, value).operations, reading.method, reading.path);
      return {
        operation: operation
          ? { ...operation, description: firstLine(operation.description, reading.mostDescriptionLength) }
          : null,
      };
    }
  }
}

/**
 * What an editor keeps of a family: its operations, each description cut to its first line,
 * and of its models only what the operations' fields read (the rest, mostly answers' models,
 * stays on disk). Its size is estimated from its JSON: strings in V8 take one or two bytes a
 * character, the objects around them about as much again, and the path search a lower-case copy
 * of paths and descriptions: three times the JSON covers what they take of the heap, measured on
 * the real API. The word search's index is counted beside it, by the terms it holds
 * (operation-search.ts): together, the whole EU API is estimated at about 22 MB for a measured
 * heap of about 20 MB (`npm run bench -- --regime catalogue`).
 */
export function keptFamily(family: Family, mostDescriptionLength: number): KeptFamily {
  const operations = family.operations.map((operation) => ({
    ...operation,
    description: firstLine(operation.description, mostDescriptionLength),
  }));
  const models = modelsUsed(operations, family.models);
  // Value sources are shared between the operations of a path (one object each): weighed once.
  const sources = new Set(operations.flatMap((operation) => Object.values(operation.sources ?? {})));
  const withoutSources = operations.map(({ sources: _sources, ...operation }) => operation);
  const bytes =
    3 * (JSON.stringify({ operations: withoutSources, models }).length + JSON.stringify([...sources]).length) +
    indexWeight(operations);
  return { branch: family.branch, name: family.name, operations, models, bytes };
}

/** The first line of a text, at most `most` characters. */
export function firstLine(text: string, most: number): string {
  const line = text.split('\n', 1)[0];
  return line.length > most ? line.slice(0, most - 3) + '...' : line;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
