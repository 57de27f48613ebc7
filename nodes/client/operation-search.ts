/**
 * The search over an API's operations that the request and watch dialogs ask on each key typed.
 *
 * Words (`reboot server`, `envoyer un sms`, `k8s clusters`) are ranked by relevance (BM25+, by
 * MiniSearch) over fields of their own weight: the path's words, the first line of the
 * description, the IAM actions, the family's name. What is written by hand is what is OVHcloud's
 * (search-words.ts): how a path is cut, the synonyms, the verbs that hint at a method. On top of
 * the library's score: how many of the query's words an operation covers, the method the verbs
 * name (a boost, never a filter), production before beta, alpha and deprecated, and a deprecated
 * operation never above its replacement.
 *
 * A path (`/domain/zone/{zoneName}/re`) is looked up as it always was: a prefix of the path
 * first, then every word in the path, then in the path or the description.
 */
import MiniSearch, { type Query } from 'minisearch';
import { METHODS } from './request';
import type { Operation } from './catalogue';
import { LONGEST_PHRASE, STOPWORDS, methodOf, normalize, stem, synonymsOf, terms, termsOf } from './search-words';

/** The fields searched, and how much a word found in each counts. */
const FIELDS = ['path', 'parts', 'last', 'description', 'iam', 'family'] as const;
type Field = (typeof FIELDS)[number];
/**
 * A path's segments count most (`reboot`, `dynHost`), the camelCase words inside them less
 * (`host` of `dynHost`), and its last literal segment again: what the operation acts on. The
 * tuning of these weights was measured on the evaluation set (test/fixtures/search-evaluation.json).
 */
const BOOST: Record<Field, number> = { path: 2, parts: 1, last: 1.5, description: 1, iam: 0.5, family: 1.5 };
/** How each field is cut: the path's segments whole, their parts apart; the rest both ways. */
const CUT: Record<Field, 'all' | 'whole' | 'parts'> = {
  path: 'whole',
  parts: 'parts',
  last: 'all',
  description: 'all',
  iam: 'all',
  family: 'all',
};

/** Where a verb of the query is looked for. */
const VERB_FIELDS: readonly Field[] = ['path', 'parts', 'last', 'description'];

/** addInSlices indexes a few operations at a time, and lets other work run every SLICE_MS. */
const SLICE_STEP = 5;
const SLICE_MS = 8;

/** How much more an operation of the method the query's verbs name counts. */
const METHOD_HINT = 1.6;
/** Without a verb, reading is what people most often look for: GET counts a little more. */
const DEFAULT_HINT = 1.15;
/** Two words typed in a row found as one (`node pool` in `nodepool`) count a little less. */
const JOINED_BOOST = 0.8;
/** At equal relevance, production first: each status weighs its relevance by this. */
const STATUS_WEIGHT: Record<string, number> = { PRODUCTION: 1, BETA: 0.92, ALPHA: 0.88, DEPRECATED: 0.7 };
/** A verb counts a quarter of a word toward how much of the query an operation covers. */
const VERB_WEIGHT = 0.25;
/** The word being typed is completed once it has this many letters (fewer would match most words). */
const LEAST_PREFIXED = 3;
/** A typo fixed counts less than the word typed. */
const TYPO_BOOST = 0.45;
/** "my", "mes": a light pull toward /me. */
const POSSESSIVES = new Set(['my', 'mine', 'mon', 'ma', 'mes']);
const POSSESSIVE_BOOST = 0.3;
/**
 * The best matches weighed again by the shape of their path (shapeWeight): the share of its
 * segments the query names counts for SHAPE_SHARE of the weight, naming its family multiplies
 * it by FAMILY_NAMED, one item (a path ending in a placeholder) by ONE_ITEM.
 */
const RESHAPED = 100;
const SHAPE_SHARE = 0.4;
const FAMILY_NAMED = 1.3;
const ONE_ITEM = 0.85;

/**
 * Bytes of heap the word index takes per term it holds for an operation, besides the term's
 * characters (a term new to the index keeps its text), measured on the whole EU API and on
 * hostile families (`npm run bench -- --regime search`).
 */
const INDEX_BYTES_PER_TERM = 64;

/**
 * What the word index of these operations weighs, in bytes, as estimated: what the memory
 * budget counts for it beside the operations themselves (catalogue.ts's keptFamily).
 */
export function indexWeight(operations: Iterable<Operation>): number {
  let bytes = 0;
  for (const operation of operations) {
    const doc = documentOf(0, operation);
    for (const field of FIELDS) for (const term of termsOf(doc[field], CUT[field])) bytes += INDEX_BYTES_PER_TERM + term.length;
  }
  return bytes;
}

export interface SearchOptions {
  /** The most operations answered (default 20). */
  limit?: number;
  /** Only operations of these methods (the watch dialog asks for GET only). */
  methods?: readonly string[];
}

/** One operation found, with what marks it: the index terms it matched and the query words they cover. */
export interface SearchHit {
  operation: Operation;
  /** The terms of the index it matched (stems, see search-words.ts): what `marks` looks for. */
  terms: string[];
  /** The words of the query it matched, as typed (normalized: lower case, no accents). */
  words: string[];
}

/** One word of the query (or a phrase of the synonym table), and the terms that find it. */
interface Group {
  /** The words of the query it stands for. */
  words: string[];
  terms: string[];
  /** A word, a verb (it counts less: its method is hinted), or a possessive (a pull toward /me only). */
  kind: 'word' | 'verb' | 'possessive';
  /** The stem typed (the others are synonyms). */
  typed: string | undefined;
  /** How much its synonyms count (search-words.ts). */
  synonymWeight: number;
  /** Terms of two words typed in a row. */
  joined: string[];
  weight: number;
}

interface Entry {
  operation: Operation;
  /** Path, line break, then method, description and IAM actions, lower case: what a path query looks in. */
  haystack: string;
  pathLength: number;
  status: number;
  method: number;
}

interface Document extends Record<Field, string> {
  id: number;
}

/** The fields of an operation as the index reads them. */
function documentOf(id: number, operation: Operation): Document {
  const literal = operation.path.split('/').filter((s) => s !== '' && !s.startsWith('{'));
  return {
    id,
    path: literal.join(' '),
    parts: literal.join(' '),
    last: literal[literal.length - 1] ?? '',
    description: operation.description,
    iam: operation.iamActions.join(' '),
    family: operation.family,
  };
}

/**
 * The operations of the families loaded, searched by words (ranked) or by path. Families are
 * added as they load and removed when the memory budget evicts them, without indexing the
 * others again.
 */
export class OperationSearch {
  private readonly entries = new Map<number, Entry>();
  private readonly byFamily = new Map<string, number[]>();
  private nextId = 0;
  private readonly index = new MiniSearch<Document>({
    fields: [...FIELDS],
    idField: 'id',
    // Everything is cut and stemmed once by search-words.ts: the library takes the terms as they are.
    tokenize: (text, field) => termsOf(text, CUT[field as Field] ?? 'all'),
    processTerm: (term) => term,
    searchOptions: { tokenize: (term) => [term], processTerm: (term) => term, boost: BOOST },
    // A family evicted leaves its terms to be cleaned from the index: in small batches with pauses
    // between them, so that a large family's removal never holds the event loop for long.
    autoVacuum: { batchSize: 100, batchWait: 5, minDirtCount: 20, minDirtFactor: 0.1 },
  });

  constructor(operations: Iterable<Operation> = []) {
    this.add(operations);
  }

  /** Indexes more operations (a family just loaded). */
  add(operations: Iterable<Operation>): void {
    const docs: Document[] = [];
    for (const operation of operations) {
      const id = this.nextId++;
      const path = operation.path.toLowerCase();
      // The IAM actions name the resource in the words people use: dnsZone, vps, ip... A query's
      // words hold no white space, so none is found across the line break.
      const words = `${operation.method} ${operation.description} ${operation.iamActions.join(' ')}`.toLowerCase();
      this.entries.set(id, {
        operation,
        haystack: `${path}\n${words}`,
        pathLength: path.length,
        status: statusRank(operation),
        method: METHODS.indexOf(operation.method),
      });
      const ids = this.byFamily.get(operation.family) ?? [];
      ids.push(id);
      this.byFamily.set(operation.family, ids);
      docs.push(documentOf(id, operation));
    }
    this.index.addAll(docs);
  }

  /**
   * Indexes more operations a slice at a time, letting the event loop run every SLICE_MS (the
   * 1,121 operations of `/cloud` take about 60 ms at once on a loaded machine); stops when
   * `wanted` says they are no longer (their family evicted meanwhile).
   */
  async addInSlices(operations: readonly Operation[], wanted: () => boolean = () => true): Promise<void> {
    // By time, not by count: a hostile family's operations (paths and descriptions of KBs) take
    // far longer each than the real API's.
    let sliceStart = performance.now();
    for (let at = 0; at < operations.length; at += SLICE_STEP) {
      if (performance.now() - sliceStart >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      if (!wanted()) return;
      this.add(operations.slice(at, at + SLICE_STEP));
    }
  }

  /** Forgets a family's operations (`/domain`, `/v2/iam`, as Operation.family writes it). */
  remove(family: string): void {
    const ids = this.byFamily.get(family);
    if (!ids) return;
    this.byFamily.delete(family);
    for (const id of ids) this.entries.delete(id);
    this.index.discardAll(ids);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The best matches first (see find). */
  search(query: string, limit = 20): Operation[] {
    return this.find(query, { limit }).map((hit) => hit.operation);
  }

  /** The best matches first: a path by prefix, words by relevance. */
  find(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 20;
    const q = query.trim();
    if (q === '' || limit < 1) return [];
    const methods = options.methods?.map((m) => m.toUpperCase());
    const allowed = (entry: Entry) => !methods || methods.includes(entry.operation.method);
    if (q.startsWith('/')) {
      return this.findPath(q.toLowerCase(), limit, allowed).map((operation) => ({ operation, terms: [], words: [] }));
    }
    return this.findWords(q, limit, allowed, methods !== undefined);
  }

  private findWords(q: string, limit: number, allowed: (entry: Entry) => boolean, filtered: boolean): SearchHit[] {
    const { groups, hints } = readQuery(q);
    if (groups.length === 0) return [];
    const total = groups.reduce((sum, g) => sum + g.weight, 0);
    const results = this.index.search(
      queryOf(groups),
      filtered ? { filter: (result) => allowed(this.entries.get(result.id as number)!) } : {},
    );
    // Which groups each term finds: an operation covers a group when it matched any of its terms.
    const groupsOf = new Map<string, number[]>();
    groups.forEach((group, g) => group.terms.forEach((term) => groupsOf.set(term, [...(groupsOf.get(term) ?? []), g])));
    const coveredBy = new Float64Array(groups.length); // per group, the last result that covered it (its index + 1)
    const ranked = results.map((result, r) => {
      const entry = this.entries.get(result.id as number)!;
      let covered = 0;
      for (const term of result.queryTerms) {
        for (const g of groupsOf.get(term) ?? []) {
          if (coveredBy[g] === r + 1) continue;
          coveredBy[g] = r + 1;
          covered += groups[g].weight;
        }
      }
      const coverage = total === 0 ? 1 : covered / total;
      // The library multiplies by the number of query terms matched: synonyms of one word would count several times.
      let score = (result.score / Math.max(1, result.queryTerms.length)) * coverage * coverage;
      if (hints.has(entry.operation.method)) score *= METHOD_HINT;
      else if (hints.size === 0 && entry.operation.method === 'GET') score *= DEFAULT_HINT;
      score *= STATUS_WEIGHT[entry.operation.status] ?? 0.7;
      return { entry, score, result };
    });
    // The best few weighed again by the shape of their path, which takes cutting it again. A
    // possessive's pull toward /me is no word of the path; an item is what PUT and DELETE act on.
    const head = bestOf(ranked, Math.max(RESHAPED, limit * 2));
    const pulled = new Set(groups.filter((g) => g.kind === 'possessive').flatMap((g) => g.terms));
    for (const g of groups) if (g.kind !== 'possessive') for (const t of g.terms) pulled.delete(t);
    const onItems = hints.has('PUT') || hints.has('DELETE');
    for (const item of head) {
      const named = new Set(item.result.terms.filter((t) => !pulled.has(t)));
      item.score *= shapeWeight(item.entry.operation, named, onItems);
    }
    head.sort((a, b) => b.score - a.score || compareEntries(a.entry, b.entry));
    const best = replacementsFirst(head).slice(0, limit);
    return best.map(({ entry, result }) => {
      const matched = new Set(result.queryTerms);
      const words = groups.filter((g) => g.kind !== 'possessive' && g.terms.some((t) => matched.has(t))).flatMap((g) => g.words);
      return { operation: entry.operation, terms: result.terms, words: unique(words) };
    });
  }

  /** A path typed: a prefix of the path first, then every word in the path, then in path or description. */
  private findPath(q: string, limit: number, allowed: (entry: Entry) => boolean): Operation[] {
    // The longest word first: the rarest, so most operations are left after one look.
    const words = q.split(/\s+/).sort((a, b) => b.length - a.length);
    const best: PathMatch[] = []; // the best `limit` matches so far, best first
    for (const entry of this.entries.values()) {
      if (!allowed(entry)) continue;
      // Once `limit` matches are held, a lower tier than the last one's cannot enter: not looked for.
      const needed = best.length === limit ? best[limit - 1].score : 1;
      let score = 0;
      if (entry.pathLength >= q.length && entry.haystack.startsWith(q)) score = 3;
      else if (needed < 3) {
        let inPath = true;
        for (const word of words) {
          const at = entry.haystack.indexOf(word);
          if (at === -1) {
            inPath = false;
            score = -1;
            break;
          }
          if (at >= entry.pathLength) inPath = false;
        }
        if (score === 0) score = inPath ? 2 : 1;
      }
      if (score < needed) continue;
      insert(best, { entry, score }, limit);
    }
    return best.map((match) => match.entry.operation);
  }
}

/** The words of a query an operation can match (no stopword, no possessive), as `SearchHit.words` writes them. */
export function queryWords(query: string): string[] {
  if (query.trim().startsWith('/')) return [];
  return unique(
    readQuery(query)
      .groups.filter((g) => g.kind !== 'possessive')
      .flatMap((g) => g.words),
  );
}

/**
 * How well an operation's path fits the words it matched: the share of its segments they name
 * (`/sms/{serviceName}/jobs` over `/me/accessRestriction/sms/{id}/sendCode` for "send sms"),
 * whether they name its family (people name the product), and a list or an action before one
 * item (a path ending in a placeholder) when nothing else tells them apart.
 */
function shapeWeight(operation: Operation, matched: ReadonlySet<string>, onItems: boolean): number {
  // A segment named whole counts 1 (`record`), by one of its camelCase words 1/2 (`glueRecord`).
  const named = (segment: string) => {
    const found = terms(segment).filter((t) => matched.has(t.term));
    return found.some((t) => !t.part) ? 1 : found.length > 0 ? 0.5 : 0;
  };
  const segments = operation.path.split('/').filter((s) => s !== '' && s !== 'v2');
  const literal = segments.filter((s) => !s.startsWith('{'));
  const share = literal.length === 0 ? 0 : literal.reduce((sum, s) => sum + named(s), 0) / literal.length;
  const family = operation.family.split('/').filter((s) => s !== '' && s !== 'v2');
  let weight = 1 - SHAPE_SHARE + SHAPE_SHARE * share;
  if (family.some((s) => named(s) === 1)) weight *= FAMILY_NAMED;
  if (!onItems && segments[segments.length - 1]?.startsWith('{')) weight *= ONE_ITEM;
  return weight;
}

/**
 * The query read into groups (a word, or a phrase of the synonym table), each with the terms
 * that find it, and the methods its verbs name. Stopwords are dropped; two words in a row are
 * also looked for as one (`node pool` finds `nodepool`, `name servers` finds `nameServers`).
 */
function readQuery(q: string): { groups: Group[]; hints: Set<string> } {
  const words = [...q.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => normalize(m[0]));
  const stems = words.map(stem);
  const hints = new Set<string>();
  const groups: Group[] = [];
  for (let i = 0; i < words.length;) {
    let phrase = 0;
    for (let n = Math.min(LONGEST_PHRASE, words.length - i); n >= 2 && phrase === 0; n--) {
      if (synonymsOf(stems.slice(i, i + n).join(' '))) phrase = n;
    }
    if (phrase > 0) {
      const own = stems.slice(i, i + phrase).filter((_s, k) => !STOPWORDS.has(words[i + k]));
      const synonyms = synonymsOf(stems.slice(i, i + phrase).join(' '))!;
      groups.push({
        words: words.slice(i, i + phrase),
        terms: unique([...own, ...synonyms.terms]),
        kind: 'word',
        typed: undefined,
        synonymWeight: synonyms.weight,
        joined: [],
        weight: 1,
      });
      i += phrase;
      continue;
    }
    const word = words[i];
    if (POSSESSIVES.has(word)) {
      // "my invoices": maybe /me's, maybe not; a hint, not a word to cover.
      groups.push({
        words: [word],
        terms: ['me'],
        kind: 'possessive',
        typed: undefined,
        synonymWeight: 1,
        joined: [],
        weight: 0,
      });
      i++;
      continue;
    }
    const method = methodOf(word);
    if (method) hints.add(method);
    const synonyms = synonymsOf(stems[i]);
    if (!STOPWORDS.has(word) && word.length > 1) {
      groups.push({
        words: [word],
        terms: unique([stems[i], ...(synonyms?.terms ?? [])]),
        kind: method ? 'verb' : 'word',
        typed: stems[i],
        synonymWeight: synonyms?.weight ?? 1,
        joined: [],
        weight: method ? VERB_WEIGHT : 1,
      });
    }
    i++;
  }
  // Two words typed in a row, as the API writes them in one (camelCase): a term of both.
  for (let i = 0; i + 1 < groups.length; i++) {
    const [a, b] = [groups[i], groups[i + 1]];
    if (a.words.length !== 1 || b.words.length !== 1 || a.kind === 'possessive' || b.kind === 'possessive') continue;
    const joined = stem(a.words[0] + b.words[0]);
    for (const group of [a, b]) {
      group.terms.push(joined);
      group.joined.push(joined);
    }
  }
  return { groups, hints };
}

/**
 * The library's query: any term of any group; the word being typed (the last) also as a prefix,
 * a word typed of five letters or more also with a typo or two ("instnace", "reboto").
 */
function queryOf(groups: Group[]): Query {
  const queries: Query[] = [];
  const seen = new Set<string>();
  groups.forEach((group, g) => {
    for (const term of group.terms) {
      if (seen.has(term)) continue;
      seen.add(term);
      const typed = term === group.typed;
      const boost =
        group.kind === 'possessive'
          ? POSSESSIVE_BOOST
          : typed || group.typed === undefined
            ? 1
            : group.joined.includes(term)
              ? JOINED_BOOST
              : group.synonymWeight;
      queries.push({
        queries: [term],
        // A verb's method is hinted already: it is looked for in paths (`changePassword`), not
        // in the descriptions and IAM actions where nearly every operation says get or create.
        ...(group.kind === 'verb' ? { fields: [...VERB_FIELDS] } : {}),
        prefix: typed && g === groups.length - 1 && term.length >= LEAST_PREFIXED,
        fuzzy: typed && term.length >= 5 ? 1 : false,
        boostTerm: () => boost,
      });
    }
    // A typo of two letters swapped ("instnace", "reboto") is one edit, not the two a fuzzy match counts.
    if (group.typed && group.typed.length >= 5) {
      for (const swapped of transpositions(group.typed)) {
        if (seen.has(swapped)) continue;
        seen.add(swapped);
        group.terms.push(swapped);
        queries.push({ queries: [swapped], boostTerm: () => TYPO_BOOST });
      }
    }
  });
  return { combineWith: 'OR', queries };
}

/**
 * The `count` best of many scored items, best first: only those at or above the count-th best
 * score are sorted (a query of a common word matches thousands of operations).
 */
function bestOf<T extends { entry: Entry; score: number }>(items: T[], count: number): T[] {
  if (items.length > count) {
    const scores = Float64Array.from(items, (item) => -item.score).sort(); // ascending: best first
    const least = -scores[count - 1];
    items = items.filter((item) => item.score >= least);
  }
  return items.sort((a, b) => b.score - a.score || compareEntries(a.entry, b.entry)).slice(0, count);
}

/** A word with two letters next to each other swapped, each way it can be. */
function transpositions(word: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 1 < word.length; i++) {
    if (word[i] !== word[i + 1]) found.push(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  }
  return found;
}

/**
 * A deprecated operation moved after its replacement when both are among the best: the
 * replacement is what a new flow should use, however the words fall.
 */
function replacementsFirst<T extends { entry: Entry }>(ranked: T[]): T[] {
  const list = [...ranked];
  for (const item of ranked) {
    const replacement = item.entry.operation.deprecation?.replacement;
    if (!replacement) continue;
    const target = replacementOf(replacement, item.entry.operation.method);
    const from = list.indexOf(item);
    const to = list.findIndex(
      (other) => other.entry.operation.path === target.path && (!target.method || other.entry.operation.method === target.method),
    );
    if (to > from) {
      list.splice(from, 1);
      list.splice(to, 0, item); // `to` moved up by one: right after the replacement
    }
  }
  return list;
}

/** A replacement as the API writes it (`/domain/x`, `/1.0/domain/x`, `POST /order/...`, `/v2/...`). */
function replacementOf(text: string, method: string): { method?: string; path: string } {
  const match = /^\s*(?:([A-Z]+)\s+)?(\S+)/.exec(text);
  const path = (match?.[2] ?? '').replace(/^\/1\.0(?=\/)/, '');
  return { method: match?.[1] ?? (path ? method : undefined), path };
}

/**
 * Where a suggestion's words stand in a text (its path, its description), as [start, end)
 * ranges in order: every word whose term the suggestion matched, for the dialog to mark.
 */
export function marks(text: string, matched: readonly string[]): Array<[number, number]> {
  if (matched.length === 0) return [];
  const wanted = new Set(matched);
  return mergeRanges(
    terms(text)
      .filter((t) => wanted.has(t.term))
      .map((t): [number, number] => [t.start, t.end]),
  );
}

/**
 * Where a path typed (`/domain/zone/{zoneName}/re`, `/dedicated server`) stands in an operation's
 * path it found: the start of the path it is a prefix of, else each of its words where it is.
 */
export function typedPathMarks(path: string, query: string): Array<[number, number]> {
  const [lowerPath, q] = [path.toLowerCase(), query.trim().toLowerCase()];
  if (lowerPath.startsWith(q)) return [[0, q.length]];
  const ranges = q
    .split(/\s+/)
    .map((word): [number, number] => [lowerPath.indexOf(word), lowerPath.indexOf(word) + word.length])
    .filter(([start]) => start !== -1);
  return mergeRanges(ranges);
}

/** Ranges in order, those that overlap joined. */
function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  for (const range of [...ranges].sort((a, b) => a[0] - b[0] || b[1] - a[1])) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

/** A path match, with its tier: 3 a prefix of the path, 2 every word in the path, 1 in path or words. */
interface PathMatch {
  entry: Entry;
  score: number;
}

/**
 * Puts a match in its place among the best ones (kept sorted, at most `limit`), after those
 * it ties with: the order a stable sort of every match would give.
 */
function insert(best: PathMatch[], match: PathMatch, limit: number): void {
  let at = best.length;
  while (at > 0 && (best[at - 1].score - match.score || compareEntries(match.entry, best[at - 1].entry)) < 0) at--;
  if (at >= limit) return;
  best.splice(at, 0, match);
  if (best.length > limit) best.pop();
}

/** At equal relevance: production before beta..., shorter path, path, method. */
function compareEntries(a: Entry, b: Entry): number {
  return (
    a.status - b.status ||
    a.operation.path.length - b.operation.path.length ||
    a.operation.path.localeCompare(b.operation.path) ||
    a.method - b.method
  );
}

/** Production operations before beta, alpha and deprecated ones. */
function statusRank(operation: Operation): number {
  return ['PRODUCTION', 'BETA', 'ALPHA', 'DEPRECATED'].indexOf(operation.status) + 1 || 5;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
