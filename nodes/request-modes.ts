/**
 * What ovh-request does with one call, in each of its modes: `single` answers once; `pages`
 * follows /v2 cursors; `expand` gets a /1.0 list of ids, then each item. A mode yields steps in
 * order: the whole answer, or the parts of a sequence and the failures of single items (the
 * other items go on). A failure of the call as a whole is thrown. Nothing here knows msgs.
 */
import { OvhApiError, OvhInputError, itemPath, pageItems, type HttpMethod, type OvhClient, type OvhResponse } from './client';
import { factsOf, type Call, type CallFacts } from './request-message';
import type { RequestSettings } from './request-settings';

/** What a node hands its modes once: the same for every msg. */
export interface ModeContext {
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
  | { kind: 'whole'; res: OvhResponse; payload: unknown; facts: CallFacts; failures?: ItemFailure[] }
  /** One page or item of a sequence. */
  | { kind: 'part'; res: OvhResponse; facts: CallFacts }
  /** One item that failed; the sequence goes on. */
  | { kind: 'failure'; err: unknown; facts: { id: unknown; index: number } };

/** One msg's call, in a node's context. */
export interface ModeRun extends ModeContext {
  client: OvhClient;
  call: Call;
}

/** The steps of a pages or expand call, in order. */
export function runSequence(run: ModeRun): AsyncGenerator<Step> {
  return run.settings.mode === 'pages' ? pages(run) : expand(run);
}

/** One call, one answer: the mode nearly every msg takes, without the generator's cost. */
export async function single(run: ModeContext, client: OvhClient, call: Call): Promise<Step> {
  const { signal } = run;
  const res = await client.request(call.method, call.path, {
    params: call.params,
    query: call.query,
    headers: call.headers,
    body: call.body,
    signal,
  });
  run.answered(res.statusCode);
  return { kind: 'whole', res, payload: res.body, facts: factsOf(res) };
}

/** /v2 cursor pagination: each page as a part, or every page's items in one answer. */
async function* pages(run: ModeRun): AsyncGenerator<Step> {
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
    run.answered(res.statusCode);
    if (settings.split === 'each') yield { kind: 'part', res, facts: { ...factsOf(res), page } };
    else items.push(...pageItems(res.body));
  }
  if (settings.split === 'one' && last) {
    yield {
      kind: 'whole',
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
async function* expand(run: ModeRun): AsyncGenerator<Step> {
  const { client, call, settings, signal } = run;
  requireGet(run, call.method, 'expand');
  const started = Date.now();
  const list = await client.request('GET', call.path, { ...options(call), signal });
  run.answered(list.statusCode);
  if (!Array.isArray(list.body)) throw new OvhInputError(run.text('not-a-list', { path: call.path }));
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
      run.answered(settled.res.statusCode);
      if (settings.split === 'each') yield { kind: 'part', res: settled.res, facts: { ...factsOf(settled.res), id, index } };
      else results.push(settled.res.body);
      continue;
    }
    if (signal.aborted) throw settled.err;
    if (settings.split === 'each') {
      yield { kind: 'failure', err: settled.err, facts: { id, index } };
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
    yield { kind: 'whole', res: list, payload: results, facts, failures };
  }
}

/** What every call of a mode takes from the msg besides method, path and body. */
function options(call: Call): { params?: Record<string, unknown>; query?: unknown; headers?: unknown } {
  return { params: call.params, query: call.query, headers: call.headers };
}

function requireGet(run: ModeRun, method: HttpMethod, mode: string): void {
  if (method !== 'GET') throw new OvhInputError(run.text('get-only', { mode }));
}
