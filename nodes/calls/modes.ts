/**
 * What ovh-request does with one call, in each of its modes: `single` answers once
 * (`callOnce`); `pages` follows /v2 cursors; `expand` gets a /1.0 list of ids, then each item. A
 * mode yields steps in order: the complete answer, or the parts of a sequence and the failures of
 * single items (the other items go on). A failure of the call as a whole is thrown. Nothing here knows msgs.
 */
import {
  OvhAnswerError,
  OvhApiError,
  OvhError,
  OvhInputError,
  appendAll,
  isPlainObject,
  itemPath,
  pageItems,
  type HttpMethod,
  type OvhClient,
  type OvhResponse,
} from '../client';
import { describeThrown, factsOf, type Call, type CallFacts } from './message';
import type { RequestSettings } from './settings';

/** What a node hands every call it makes, once: the same for every msg. */
export interface CallEnvironment {
  settings: RequestSettings;
  signal: AbortSignal;
  /** Every API answer, for the node status. */
  answered(statusCode: number): void;
  /** A localised message. */
  text(key: 'get-only' | 'not-a-list', substitutions: Record<string, unknown>): string;
}

/** One item of an expand that failed, as listed in msg.ovh.failures. */
export interface ItemFailure {
  id: unknown;
  index: number;
  message: string;
  statusCode?: number;
}

export type Step =
  /** Everything in one answer; for expand, with the items that failed. */
  | { kind: 'complete'; res: OvhResponse; payload: unknown; facts: CallFacts; failures?: ItemFailure[] }
  /** One page or item of a sequence. */
  | { kind: 'sequence-part'; res: OvhResponse; facts: CallFacts; /** Default: the answer's body. */ payload?: unknown }
  /** One item that failed; the sequence goes on. */
  | { kind: 'item-failure'; err: unknown; facts: { id: unknown; index: number } };

/** One msg's call, in its node's environment. */
export interface MsgCall extends CallEnvironment {
  client: OvhClient;
  call: Call;
  /** The last answer read (set by the modes): what a failure while handling it names. */
  lastAnswer?: OvhResponse;
}

/** The steps of a pages or expand call, in order. */
export async function* runSequence(run: MsgCall): AsyncGenerator<Step> {
  try {
    yield* run.settings.mode === 'pages' ? pages(run) : expand(run);
  } catch (err) {
    throw namedFailure(err, run);
  }
}

/** An answer came: the node's status hears of it, and a failure while handling it names it. */
function heard(run: MsgCall, res: OvhResponse): void {
  run.lastAnswer = res;
  run.answered(res.statusCode);
}

/**
 * A failure no one named (not the client's, not a mode's: an engine's RangeError over an answer
 * too large to handle, say) thrown after an answer came: an OvhAnswerError naming the call, the
 * answer's status and query id, as the client's own refusals do, so Catch can tell what failed.
 */
function namedFailure(err: unknown, run: MsgCall): unknown {
  const res = run.lastAnswer;
  if (err instanceof OvhError || run.signal.aborted || res === undefined) return err;
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : describeThrown(err);
  return new OvhAnswerError(`its answer could not be handled (${reason})`, 'ANSWER_NOT_HANDLED', {
    statusCode: res.statusCode,
    method: res.method,
    path: run.call.path,
    url: res.url,
    queryId: res.queryId,
    attempts: res.attempts,
  });
}

/** One call, one answer: the mode nearly every msg takes, without the generator's cost. */
export async function callOnce(run: CallEnvironment, client: OvhClient, call: Call): Promise<Step> {
  const { signal } = run;
  const res = await client.request(call.method, call.path, {
    params: call.params,
    query: call.query,
    headers: call.headers,
    body: call.body,
    signal,
  });
  run.answered(res.statusCode);
  return { kind: 'complete', res, payload: res.body, facts: factsOf(res) };
}

/** /v2 cursor pagination: each page as a part, or every page's items in one answer. */
async function* pages(run: MsgCall): AsyncGenerator<Step> {
  const { client, call, settings, signal } = run;
  requireGet(run, call.method, 'pages');
  const started = Date.now();
  const items: unknown[] = [];
  let page = 0;
  let attempts = 0;
  let last: OvhResponse | undefined;
  const pager = client.pages(call.path, { ...options(call), pageSize: settings.pageSize, maxPages: settings.maxPages, signal });
  for await (const res of pager) {
    page++;
    attempts += res.attempts;
    last = res;
    heard(run, res);
    if (settings.split === 'each') yield { kind: 'sequence-part', res, facts: { ...factsOf(res), page } };
    else appendAll(items, pageItems(res.body));
  }
  if (settings.split === 'one' && last) {
    yield {
      kind: 'complete',
      res: last,
      payload: items,
      facts: { ...factsOf(last), durationMs: Date.now() - started, attempts, pages: page },
    };
  }
}

type Settled = { res: OvhResponse; err?: undefined } | { err: unknown; res?: undefined };

/**
 * A /1.0 list of ids, then `<list path>/{id}` for each (the list's query is not sent to items),
 * with up to `concurrency` item calls in flight, and the items yielded in list order.
 */
async function* expand(run: MsgCall): AsyncGenerator<Step> {
  const { client, call, signal } = run;
  requireGet(run, call.method, 'expand');
  const started = Date.now();
  // Asked as OVHcloud's control panel asks: whole objects, a page at a time. An API (or a list)
  // without that mode answers ids, and each is then read on its own.
  const size = run.settings.pageSize ?? OBJECT_PAGE_SIZE;
  const list = await client.request('GET', call.path, {
    ...options(call),
    headers: objectPageHeaders(call.headers, size, 1),
    signal,
  });
  heard(run, list);
  if (!Array.isArray(list.body)) throw new OvhInputError(run.text('not-a-list', { path: call.path }));
  if (list.body.length > 0 && list.body.every(isPlainObject)) {
    yield* objectPages(run, list, size, started);
    return;
  }
  yield* eachId(run, list, started);
}

/** The largest page of objects the control panel asks for. */
const OBJECT_PAGE_SIZE = 5000;

/** Headers the node sets itself when it reads pages of objects: a msg's own are left out. */
const PAGE_HEADERS = new Set(['x-pagination-mode', 'x-pagination-size', 'x-pagination-number']);

/**
 * The msg's own request headers (an `X-Pagination-Filter` or `-Sort` passes on), with those
 * asking for one page of whole objects, which the node alone sets: pages read with another size
 * or number than the loop counts would repeat or skip objects.
 */
function objectPageHeaders(headers: unknown, size: number, page: number): Record<string, unknown> {
  const own = isPlainObject(headers) ? headers : {};
  const kept = Object.fromEntries(Object.entries(own).filter(([name]) => !PAGE_HEADERS.has(name.toLowerCase())));
  return { ...kept, 'X-Pagination-Mode': 'CachedObjectList-Pages', 'X-Pagination-Size': size, 'X-Pagination-Number': page };
}

/**
 * The rest of a list read as whole objects: pages 2, 3... until `X-Pagination-Elements` objects
 * came (or, without it, a short page), at most the node's most pages. A page that fails, answers
 * something else than objects, or is one too many ends the reading: what was read goes on with
 * the failure, as one call per id does with a failed item.
 */
async function* objectPages(run: MsgCall, first: OvhResponse, size: number, started: number): AsyncGenerator<Step> {
  const { settings } = run;
  const items = [...(first.body as unknown[])];
  const total = Number(headerText(first.headers['x-pagination-elements']));
  const read = { attempts: first.attempts, pages: 1, last: first };
  let failure: ItemFailure | undefined;
  while (Number.isInteger(total) && total >= 0 ? items.length < total : (read.last.body as unknown[]).length === size) {
    let page: unknown[];
    try {
      page = await nextObjectPage(run, size, read);
    } catch (err) {
      if (run.signal.aborted) throw err;
      const statusCode = err instanceof OvhApiError ? err.statusCode : undefined;
      failure = {
        id: `page ${read.pages + 1}`,
        index: items.length,
        message: err instanceof Error ? err.message : String(err),
        statusCode,
      };
      break;
    }
    if (page.length === 0) break; // the list shrank meanwhile
    appendAll(items, page);
  }
  const { attempts, pages } = read;
  const facts: CallFacts = {
    ...factsOf(first),
    durationMs: Date.now() - started,
    attempts,
    items: items.length,
    pages,
    objects: true,
  };
  if (settings.split === 'one') {
    if (failure) facts.failures = [failure];
    yield { kind: 'complete', res: first, payload: items, facts, failures: failure ? [failure] : undefined };
    return;
  }
  for (const [index, item] of items.entries()) {
    const record = item as Record<string, unknown>;
    yield { kind: 'sequence-part', res: first, payload: item, facts: { ...facts, id: record.id ?? record.name, index } };
  }
  if (failure)
    yield {
      kind: 'item-failure',
      err: new OvhError(failure.message, 'PAGE_FAILED'),
      facts: { id: failure.id, index: failure.index },
    };
}

/** One more page of objects; throws when there may be no more, or when it is not objects. */
async function nextObjectPage(
  run: MsgCall,
  size: number,
  read: { attempts: number; pages: number; last: OvhResponse },
): Promise<unknown[]> {
  const { client, call, settings, signal } = run;
  if (read.pages >= settings.maxPages) {
    throw new OvhError(
      `${call.path} has more than ${settings.maxPages} pages: raise the page limit or the page size`,
      'PAGE_LIMIT',
    );
  }
  read.last = await client.request('GET', call.path, {
    ...options(call),
    headers: objectPageHeaders(call.headers, size, read.pages + 1),
    signal,
  });
  read.pages++;
  heard(run, read.last);
  read.attempts += read.last.attempts;
  const page = Array.isArray(read.last.body) ? read.last.body : [];
  if (!page.every(isPlainObject))
    throw new OvhError(`${call.path} answered objects, then something else on page ${read.pages}`, 'NOT_A_LIST');
  return page;
}

/** The header's text, whether one value or several. */
function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A list that answered ids: each read on its own, a few at a time, in list order. */
async function* eachId(run: MsgCall, list: OvhResponse, started: number): AsyncGenerator<Step> {
  const { client, call, settings, signal } = run;
  const ids = list.body as unknown[];
  const path = itemPath(call.path, 'ovhExpandId');
  const fetchItem = (index: number): Promise<Settled> =>
    client.request('GET', path, { params: { ...call.params, ovhExpandId: ids[index] }, headers: call.headers, signal }).then(
      (res) => ({ res }),
      (err: unknown) => ({ err }),
    );

  const results: unknown[] = [];
  const failures: ItemFailure[] = [];
  const inFlight = new Map<number, Promise<Settled>>();
  let attempts = list.attempts;
  let next = 0;
  for (let index = 0; index < ids.length; index++) {
    while (next < ids.length && next < index + settings.concurrency) inFlight.set(next, fetchItem(next++));
    const settled = await (inFlight.get(index) as Promise<Settled>);
    inFlight.delete(index);
    const id = ids[index];
    if (settled.res) {
      attempts += settled.res.attempts;
      heard(run, settled.res);
      if (settings.split === 'each')
        yield { kind: 'sequence-part', res: settled.res, facts: { ...factsOf(settled.res), id, index } };
      else results.push(settled.res.body);
      continue;
    }
    if (signal.aborted) throw settled.err;
    if (settings.split === 'each') {
      yield { kind: 'item-failure', err: settled.err, facts: { id, index } };
    } else {
      const err = settled.err;
      failures.push({
        id,
        index,
        message: err instanceof Error ? err.message : 'an error that is not an Error',
        statusCode: err instanceof OvhApiError ? err.statusCode : undefined,
      });
    }
  }
  if (settings.split === 'one') {
    const facts: CallFacts = { ...factsOf(list), durationMs: Date.now() - started, attempts, items: ids.length };
    if (failures.length > 0) facts.failures = failures;
    yield { kind: 'complete', res: list, payload: results, facts, failures };
  }
}

/** What every call of a mode takes from the msg besides method, path and body. */
function options(call: Call): { params?: Record<string, unknown>; query?: unknown; headers?: unknown } {
  return { params: call.params, query: call.query, headers: call.headers };
}

function requireGet(run: MsgCall, method: HttpMethod, mode: string): void {
  if (method !== 'GET') throw new OvhInputError(run.text('get-only', { mode }));
}
