/**
 * What the runtime knows of an API from its description of itself: a search over its operations,
 * one operation's details (for the request dialog), and the checks the nodes make of a call (an
 * unknown or deprecated operation, its answer type, the IAM actions it needs). The description is
 * fetched lazily (the family list, then a family when asked for), kept on disk in the Node-RED
 * user directory, and read from there; the checks read only what is kept, never fetching.
 */
import os from 'node:os';
import path from 'node:path';
import {
  DescriptionCache,
  UnreadableDocument,
  OperationSearch,
  OvhApiError,
  OvhClient,
  OvhError,
  familyOf,
  firstLine,
  isPlainObject,
  findOperation,
  locate,
  operationFields,
  marks,
  queryWords,
  typedPathMarks,
  type Branch,
  type Family,
  type KeptFamily,
  type Operation,
  type ProxyChoice,
  type Reading,
  type SearchHit,
  type SearchOptions,
} from '../client';

const BRANCHES: Branch[] = ['1.0', 'v2'];
/** Families fetched at once when a word search needs them all. */
const FETCHES_AT_ONCE = 4;
const MIB = 1024 * 1024;

/**
 * What the API's description may make the runtime hold, whoever asks and whatever the API
 * answers. The real EU API lists 70 + 14 families, 10.6 MB of JSON in all, the largest (`/cloud`)
 * 2.6 MB (about 4 MB as first measured); its index (operations and the models their fields
 * read, and the word search's index) takes about 20 MB of heap (`npm run bench`).
 */
export const CATALOGUE_BUDGETS = {
  /** One document (a family list, one family), refused past it before it is parsed: 2 to 3 times /cloud. */
  documentBytes: 8 * MIB,
  /** Every document kept on disk, all APIs together: past it, the oldest are removed (six whole EU APIs). */
  diskBytes: 64 * MIB,
  /** The index in memory, all APIs together, as estimated: past it, the least recently used families go. */
  memoryBytes: 48 * MIB,
  /** Families read of one branch's list (the real API lists 70 and 14). */
  familiesPerBranch: 150,
  /** Documents one word search reads for one API, in bytes: 3 times the whole real API. */
  searchBytes: 32 * MIB,
};
/** Every answer stays under this size in bytes (the dialog asks on each key typed). */
const MOST_ANSWER_BYTES = 100_000;
/** A family name longer than this is no family (the longest real one has 31 characters). */
const MOST_NAME_LENGTH = 200;
/** An operation's description kept for search and the dialog: its first line, at most this long. */
const MOST_DESCRIPTION_LENGTH = 2000;

/**
 * The families every catalogue holds in memory, by estimated size, least recently used first:
 * the one memory budget across every API. Holding a family past the budget evicts the least
 * recently used others (their catalogue reads them again from disk when asked).
 */
export class CatalogueMemory {
  private readonly held = new Map<string, { owner: object; bytes: number; evict: (byItsOwner: boolean) => void }>();
  private total = 0;

  constructor(readonly budget: number) {}

  /** The estimated bytes held, all catalogues together. */
  get bytes(): number {
    return this.total;
  }

  /**
   * Holds a family of `owner` (its catalogue), evicting the least recently used others while
   * past the budget; `evict` is told whether its own catalogue's loading pushed it out.
   */
  hold(owner: object, key: string, bytes: number, evict: (byItsOwner: boolean) => void): void {
    this.release(key);
    this.held.set(key, { owner, bytes, evict });
    this.total += bytes;
    for (const [other, entry] of this.held) {
      if (this.total <= this.budget) break;
      if (other === key) continue;
      this.release(other);
      entry.evict(entry.owner === owner);
    }
  }

  /** Marks a family as just used: the last to be evicted. */
  touch(key: string): void {
    const entry = this.held.get(key);
    if (!entry) return;
    this.held.delete(key);
    this.held.set(key, entry);
  }

  release(key: string): void {
    const entry = this.held.get(key);
    if (!entry) return;
    this.held.delete(key);
    this.total -= entry.bytes;
  }
}

/** How a branch's family list is read: the names the catalogue reads, no more. */
const FAMILY_LIST = {
  kind: 'family-list',
  most: CATALOGUE_BUDGETS.familiesPerBranch,
  mostNameLength: MOST_NAME_LENGTH,
} as const satisfies Reading;

/** What one API (one base URL) is known to hold. */
/**
 * The proxy an API's descriptions are fetched through: that of the deployed accounts calling it
 * (undefined: the environment's, false: none). Descriptions are public: no secret goes with them.
 */
export type DescriptionProxy = (baseUrl: string) => ProxyChoice | false | undefined;

export class ApiCatalogue {
  private clientNow: { client: OvhClient; proxy: string } | undefined;
  private readonly families = new Map<string, KeptFamily>();
  private readonly failed = new Map<string, string>();
  private readonly loading = new Map<string, Promise<Family | undefined>>();
  private lists: Promise<Record<Branch, string[] | Error>> | undefined;
  /** The load a word search started, under way or ended; undefined: the next word search starts one. */
  private everything: Promise<void> | undefined;
  private loadingEverything = false;
  /** What the next word search must load again (a list failed, families went), once the load under way ends. */
  private loadAgainAfter = false;
  private readonly search = new OperationSearch([]);
  /** The bytes of documents read so far (fetched or from disk), and this catalogue's share of the memory. */
  private bytesRead = 0;
  private bytesHeld = 0;
  stale = false;

  constructor(
    readonly baseUrl: string,
    private readonly cache: DescriptionCache,
    private readonly memory: CatalogueMemory,
    private readonly proxyFor: DescriptionProxy = () => undefined,
  ) {}

  /** The client of the descriptions' fetches, made again when the accounts' proxy changed. */
  private get client(): OvhClient {
    const proxy = this.proxyFor(this.baseUrl);
    const key = JSON.stringify(proxy ?? null);
    if (this.clientNow?.proxy !== key) {
      // Fetches under way through the old one end (or time out) by themselves.
      const old = this.clientNow?.client;
      if (old) setTimeout(() => void old.close().catch(() => undefined), 60_000).unref();
      const client = new OvhClient({
        endpoint: this.baseUrl,
        timeoutMs: 15_000,
        retry: { maxAttempts: 2 },
        // Refused while it arrives, before it is parsed: a document's tree can weigh 20 times its text.
        maxAnswerBytes: this.cache.maxDocumentBytes,
        proxy,
      });
      this.clientNow = { client, proxy: key };
    }
    return this.clientNow.client;
  }

  /**
   * The family names of both branches, as call paths (`/domain`, `/v2/iam`), or why a branch's
   * list could not be read. A list that failed is asked again by the next question, not kept.
   */
  familyLists(): Promise<Record<Branch, string[] | Error>> {
    this.lists ??= (async (): Promise<Record<Branch, string[] | Error>> => {
      const [v1, v2] = await Promise.all(
        BRANCHES.map((branch) =>
          this.document(`${branch}/`, () => this.client.describeApiBytes(branch), FAMILY_LIST).catch((err: unknown) =>
            err instanceof Error ? err : new Error(String(err)),
          ),
        ),
      );
      if (v1 instanceof Error || v2 instanceof Error) {
        this.lists = undefined;
        this.loadEverythingAgain();
      }
      return { '1.0': v1, v2 };
    })();
    return this.lists;
  }

  /** A branch's family names; throws when the API could not say them (unreachable, not the API). */
  async familyNames(branch: Branch): Promise<string[]> {
    const names = (await this.familyLists())[branch];
    if (names instanceof Error) throw unreadableList(names);
    return names;
  }

  /**
   * The family a call's path belongs to, loaded; undefined when none holds it. Throws when it
   * could not be loaded: a path is not unknown because its family is unreachable.
   */
  async familyFor(located: { branch: Branch; path: string }): Promise<Family | undefined> {
    const name = familyOf(await this.familyNames(located.branch), located);
    if (name === undefined) return undefined;
    const family = await this.family(located.branch, name);
    if (!family)
      throw new Error(`the description of ${name} could not be read: ${this.failure(located.branch, name) ?? 'unknown reason'}`);
    return family;
  }

  /** A family's operations, fetched (or read from disk) once, and again once evicted. A failing family fails alone. */
  family(branch: Branch, name: string): Promise<Family | undefined> {
    const key = `${branch}${name}`;
    // One load per family at a time: questions typed meanwhile wait for it, so it is indexed once.
    let loading = this.loading.get(key);
    if (!loading) {
      loading = this.load(branch, name, key).finally(() => this.loading.delete(key));
      this.loading.set(key, loading);
    }
    return loading;
  }

  /** Why a family could not be loaded, when it could not. */
  failure(branch: Branch, name: string): string | undefined {
    return this.failed.get(`${branch}${name}`);
  }

  private async load(branch: Branch, name: string, key: string): Promise<Family | undefined> {
    const known = this.families.get(key);
    if (known) {
      this.memory.touch(this.memoryKey(key));
      return known;
    }
    try {
      // A family too large for memory is refused as a document: neither kept on disk nor read again.
      const family = await this.document(key, () => this.client.describeApiBytes(branch, name), {
        kind: 'family',
        branch,
        name,
        mostBytes: this.memory.budget / 2,
        mostDescriptionLength: MOST_DESCRIPTION_LENGTH,
      });
      this.families.set(key, family);
      this.failed.delete(key);
      this.bytesHeld += family.bytes;
      this.memory.hold(this, this.memoryKey(key), family.bytes, (byItself) => this.evict(key, family, byItself));
      // Indexed once, not again with every family; in slices, flows running between them; no
      // further once the family is evicted meanwhile.
      await this.search.addInSlices(family.operations, () => this.families.get(key) === family);
      return family;
    } catch (err) {
      this.failed.set(key, err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  /**
   * Forgets a family the memory budget needs back. Pushed out by another API's families, it is
   * read again (from disk) by the next word search; pushed out by this API's own, the search
   * covers what fits, rather than reading the same families again at every question.
   */
  private evict(key: string, family: KeptFamily, byItself: boolean): void {
    if (this.families.get(key) !== family) return;
    this.families.delete(key);
    this.search.remove(`${family.branch === 'v2' ? '/v2' : ''}${family.name}`);
    this.bytesHeld -= family.bytes;
    if (!byItself) this.loadEverythingAgain();
  }

  /** Marks every family held as just used: a word search looks in all of them. */
  touchAll(): void {
    for (const key of this.families.keys()) this.memory.touch(this.memoryKey(key));
  }

  /**
   * Starts loading every family (a word search needs them); resolves when all are tried, or
   * when this search has read its budget of documents, or when this API's index takes half
   * the memory budget (the other half is the other APIs'): then the search covers what fits.
   */
  loadEverything(): Promise<void> {
    this.everything ??= (async () => {
      this.loadingEverything = true;
      try {
        await this.loadWhatFits();
      } finally {
        this.loadingEverything = false;
        if (this.loadAgainAfter) {
          this.loadAgainAfter = false;
          this.everything = undefined;
        }
      }
    })();
    return this.everything;
  }

  /**
   * The next word search loads again what is missing. Not while a load is under way: each would
   * read a search's budget, and a dialog asks again every 1.5 s while one loads.
   */
  private loadEverythingAgain(): void {
    if (this.loadingEverything) this.loadAgainAfter = true;
    else this.everything = undefined;
  }

  /** One load of every family, within a search's budget of bytes read and half the memory budget. */
  private async loadWhatFits(): Promise<void> {
    const lists = await this.familyLists();
    // Nothing to search at all: say why, rather than answer that nothing matches.
    if (lists['1.0'] instanceof Error && lists.v2 instanceof Error) throw unreadableList(lists['1.0']);
    const queue = BRANCHES.flatMap((branch) => {
      const names = lists[branch];
      return names instanceof Error ? [] : names.map((name) => ({ branch, name }));
    });
    const readBefore = this.bytesRead;
    const full = () => this.bytesRead - readBefore >= CATALOGUE_BUDGETS.searchBytes || this.bytesHeld >= this.memory.budget / 2;
    const worker = async () => {
      for (let next = queue.shift(); next && !full(); next = queue.shift()) await this.family(next.branch, next.name);
    };
    await Promise.all(Array.from({ length: FETCHES_AT_ONCE }, worker));
  }

  get loadedFamilies(): number {
    return this.families.size;
  }

  /** The operations held, every family together. */
  get loadedOperations(): number {
    return this.search.size;
  }

  find(query: string, options: SearchOptions): SearchHit[] {
    return this.search.find(query, options);
  }

  private memoryKey(key: string): string {
    return `${this.baseUrl} ${key}`;
  }

  /** A document, read into what is kept of it; one over the size budget is refused, saying so. */
  private async document<R extends Reading>(name: string, fetch: () => Promise<Buffer>, reading: R) {
    const bounded = () =>
      fetch().catch((err: unknown) => {
        throw err instanceof OvhError && err.code === 'ANSWER_TOO_LARGE' ? this.cache.tooLarge() : err;
      });
    try {
      const document = await this.cache.get(this.baseUrl, name, bounded, reading);
      if (document.stale) this.stale = true;
      this.bytesRead += document.bytes;
      return document.value;
    } catch (err) {
      if (err instanceof UnreadableDocument) this.bytesRead += err.bytes; // refused, but read all the same
      throw err;
    }
  }
}

/** Where the descriptions are kept: in the Node-RED user directory (the system's temporary one without). */
export function descriptionsDir(userDir: unknown): string {
  return path.join(typeof userDir === 'string' ? userDir : os.tmpdir(), 'ovhcloud', 'api-descriptions');
}

/**
 * Every API's catalogue, by base URL, within one disk and one memory budget: made once with the
 * ovh-credentials node type and reached through each account. It answers the dialogs' two
 * questions (a search, one operation) and the nodes' checks, which read only what is kept on disk.
 */
export class Catalogues {
  private readonly byBase = new Map<string, ApiCatalogue>();
  /** The descriptions kept on disk: what the catalogues read, and all the deploy checks read. */
  private readonly kept: DescriptionCache;
  private readonly memory = new CatalogueMemory(CATALOGUE_BUDGETS.memoryBytes);

  constructor(
    dir: string,
    private readonly proxyFor?: DescriptionProxy,
  ) {
    this.kept = new DescriptionCache({
      dir,
      maxDocumentBytes: CATALOGUE_BUDGETS.documentBytes,
      maxTotalBytes: CATALOGUE_BUDGETS.diskBytes,
    });
  }

  /**
   * Operations matching what was typed. A path loads its own family first; words search every
   * family, and the first such search starts loading them all: it answers with what is loaded,
   * and says `loading` until everything is.
   */
  async search(baseUrl: string, q: string, limit: number, methods?: readonly string[]): Promise<unknown> {
    const catalogue = this.catalogueOf(baseUrl);
    let loading = false;
    if (q.startsWith('/')) {
      await catalogue.familyFor(locate(q));
    } else if (q !== '') {
      const everything = catalogue.loadEverything();
      loading = await Promise.race([everything.then(() => false), delay(1_500).then(() => true)]);
      catalogue.touchAll();
    }
    const hits = catalogue.find(q, { limit, methods });
    const operations = hits.map(({ operation: { method, path: p, status, description }, terms, words }) => {
      const line = firstLine(description, 160);
      const pathMarks = q.startsWith('/') ? typedPathMarks(p, q) : marks(p, terms);
      return {
        method,
        path: p,
        status,
        description: line,
        matched: words,
        marks: { path: pathMarks, description: marks(line, terms) },
      };
    });
    const matched = new Set(hits.flatMap((hit) => hit.words));
    const answer = {
      operations,
      loading,
      stale: catalogue.stale,
      families: catalogue.loadedFamilies,
      nothingMatches: q !== '' && operations.length === 0,
      unmatched: q.startsWith('/') ? [] : queryWords(q).filter((word) => !matched.has(word)),
    };
    return fitAnswer(answer, (answer) => {
      // Paths of several KB: fewer of them (a path cannot be shortened and still be chosen).
      answer.operations = answer.operations.slice(0, Math.floor(answer.operations.length / 2));
    });
  }

  /**
   * The operation a call makes in an API, its family fetched when not held, within the
   * catalogue's budgets; undefined when the description holds no such operation. Throws when the
   * family could not be read.
   */
  async describedOperation(baseUrl: string, method: string, callPath: string): Promise<Operation | undefined> {
    const located = locate(callPath);
    const family = await this.catalogueOf(baseUrl).familyFor(located);
    return family && findOperation(family.operations, method, located.path);
  }

  /** One operation in full: its parameters, IAM actions, status, and the models its body and answer use. */
  async operation(baseUrl: string, method: string, callPath: string): Promise<unknown> {
    const catalogue = this.catalogueOf(baseUrl);
    const located = locate(callPath);
    const loaded = await catalogue.familyFor(located);
    const operation = loaded && findOperation(loaded.operations, method, located.path);
    if (!loaded || !operation) return { known: false, stale: catalogue.stale };
    const fields = operationFields(operation, loaded.models);
    return fitAnswer({ known: true, operation, fields, stale: catalogue.stale }, (answer, step) => {
      // Too large (a description of several pages, thousands of enum values): shortened a step
      // further each time, the operation and its fields always kept.
      const most = [2000, 500, 200, 100, 60, 40, 30, 20][step];
      const count = [200, 100, 50, 25, 10, 5, 3, 1][step];
      const short = (text: string) => firstLine(text, most);
      const op = answer.operation;
      answer.operation = {
        ...op,
        description: short(op.description),
        responseType: op.responseType && short(op.responseType),
        iamActions: op.iamActions.slice(0, count).map(short),
        parameters: [],
        // What only helps to choose values: left out of an answer too large.
        sources: undefined,
        ...(op.deprecation
          ? { deprecation: { ...op.deprecation, replacement: op.deprecation.replacement && short(op.deprecation.replacement) } }
          : {}),
      };
      answer.fields = answer.fields.slice(0, count * 2).map((f) => ({
        ...f,
        type: short(f.type),
        description: short(f.description),
        template: undefined,
        ...(f.enum ? { enum: f.enum.slice(0, count).map(short) } : {}),
      }));
    });
  }

  /** What the deploy check says of a call: `unknown`, `deprecated` (with the operation), or nothing. */
  async knownOperation(
    baseUrl: string,
    method: string,
    callPath: string,
  ): Promise<{ kind: 'unknown' } | { kind: 'deprecated'; operation: Operation } | undefined> {
    const kept = await this.keptOperation(baseUrl, method, callPath);
    if (kept?.kind === 'unknown') return kept;
    return kept?.operation.status === 'DEPRECATED' ? { kind: 'deprecated', operation: kept.operation } : undefined;
  }

  /**
   * A 403 from IAM (naming `unauthorizedActionsByIAM`) told which actions the operation needs, from
   * the kept description: a policy needs all of them, not only the one the API names first. Any
   * other error, or no kept description, is left as it is.
   */
  async explainIamDenial(err: unknown, baseUrl: string): Promise<unknown> {
    if (!(err instanceof OvhApiError) || err.statusCode !== 403 || !isPlainObject(err.details)) return err;
    if (err.details.unauthorizedActionsByIAM === undefined) return err;
    const actions = await this.iamActionsOf(baseUrl, err.method, err.path);
    if (actions.length > 0) err.message += `; the operation needs the IAM actions ${actions.join(', ')}`;
    return err;
  }

  /** The answer type the kept description gives a call (`dedicated.server.Task`), if any is kept. */
  async responseTypeOf(baseUrl: string, method: string, callPath: string): Promise<string | undefined> {
    const kept = await this.keptOperation(baseUrl, method, callPath);
    return kept?.kind === 'known' ? kept.operation.responseType : undefined;
  }

  /**
   * Whether the kept description gives a call a body (a body parameter, named or whole); undefined
   * when nothing is kept for it, or the operation is unknown.
   */
  async takesBody(baseUrl: string, method: string, callPath: string): Promise<boolean | undefined> {
    const kept = await this.keptOperation(baseUrl, method, callPath);
    return kept?.kind === 'known' ? kept.operation.parameters.some((p) => p.in === 'body') : undefined;
  }

  /** The IAM actions the kept description says a call needs; none when nothing is kept. */
  async iamActionsOf(baseUrl: string, method: string, callPath: string): Promise<string[]> {
    const kept = await this.keptOperation(baseUrl, method, callPath).catch(() => undefined);
    return kept?.kind === 'known' ? kept.operation.iamActions : [];
  }

  private catalogueOf(baseUrl: string): ApiCatalogue {
    let catalogue = this.byBase.get(baseUrl);
    if (!catalogue) {
      catalogue = new ApiCatalogue(baseUrl, this.kept, this.memory, this.proxyFor);
      this.byBase.set(baseUrl, catalogue);
    }
    return catalogue;
  }

  /**
   * The operation the kept description gives a call, without fetching anything: `unknown` (a typo,
   * or an operation gone), the operation, or undefined when nothing is kept for it.
   */
  private async keptOperation(
    baseUrl: string,
    method: string,
    callPath: string,
  ): Promise<{ kind: 'unknown' } | { kind: 'known'; operation: Operation } | undefined> {
    const located = locate(callPath);
    const names = await this.kept.peek(baseUrl, `${located.branch}/`, FAMILY_LIST);
    if (names === undefined) return undefined;
    const name = familyOf(names, located);
    if (!name) return { kind: 'unknown' };
    // Read where every description is read: only the one operation comes back to this thread.
    const kept = await this.kept.peek(baseUrl, `${located.branch}${name}`, {
      kind: 'operation',
      branch: located.branch,
      name,
      method,
      path: located.path,
      mostDescriptionLength: MOST_DESCRIPTION_LENGTH,
    });
    if (kept === undefined) return undefined;
    return kept.operation ? { kind: 'known', operation: kept.operation } : { kind: 'unknown' };
  }
}

/**
 * An answer under the size every answer keeps to, in bytes as sent: shortened a step further
 * each time (`step` 0, 1, 2...) while too large, then refused.
 */
function fitAnswer<T extends object>(answer: T, shorten: (answer: T, step: number) => void): T {
  const size = () => Buffer.byteLength(JSON.stringify(answer));
  for (let step = 0; step < 8 && size() > MOST_ANSWER_BYTES; step++) shorten(answer, step);
  if (size() > MOST_ANSWER_BYTES) throw new Error("the API's description of this is too large to show");
  return answer;
}

function unreadableList(err: Error): Error {
  return new Error(`the API's list of families could not be read: ${err.message}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
