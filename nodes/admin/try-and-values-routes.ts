/**
 * The request dialog's questions to the account itself: the values a path placeholder can take
 * (the list at its parent path: `{zoneName}` in `/domain/zone/{zoneName}/record` from
 * `GET /domain/zone`), and Try (the call as configured, without deploying). Both act with a
 * deployed account's keys, through its running node (its own endpoint, limits and clock), so
 * they need `ovh-credentials.write`, and never answer a key.
 */
import {
  OvhApiError,
  OvhError,
  OvhInputError,
  appendAll,
  checkNesting,
  checkSource,
  isPlainObject,
  normalizeMethod,
  pageItems,
  readValueList,
  sourceInputs,
  type OvhClient,
  type OvhResponse,
} from '../client';
import type { OvhCredentialsNode } from '../account/config';
import type { DeployedAccounts } from '../account/deployed-accounts';
import type { AdminRequest, AdminResponse, Node, NodeAPI } from '../node-red';
import type { Call } from '../calls/message';
import { runSequence, type MsgCall } from '../calls/modes';
import { ParameterRows } from '../calls/parameter-rows';
import { tryRows } from './try-rows';
import { readSettings, type RequestSettings } from '../calls/settings';

/** How long a list of values is kept: long enough for a dialog, short enough to see a new zone. */
const VALUES_KEPT_MS = 30_000;
const MOST_VALUES = 500;
/** Lists kept per running account: a dialog asks for a few. */
const MOST_LISTS_KEPT = 50;
/** Try shows the first 100 KB of an answer. */
const MOST_ANSWER_BYTES = 100_000;

export function registerTryAndValuesRoutes(RED: NodeAPI, deployed: DeployedAccounts): void {
  const canWrite = RED.auth.needsPermission('ovh-credentials.write');
  // Kept per running client: a redeploy (another key, another URL) starts afresh, and the lists
  // of an account that stopped go with its client.
  const kept = new WeakMap<OvhClient, Map<string, { at: number; answer: unknown }>>();

  const accountNode = (id: unknown) => runningAccount(RED, deployed, id);

  const route = (routePath: string, answer: (body: Record<string, unknown>) => Promise<unknown>) =>
    RED.httpAdmin.post(routePath, canWrite, (req: AdminRequest, res: AdminResponse) => {
      Promise.resolve()
        .then(() => answer(isPlainObject(req.body) ? req.body : {}))
        .then(
          (body) => res.status(200).json(body),
          (err: unknown) =>
            res
              .status(err instanceof OvhInputError ? 400 : 502)
              .json({ error: err instanceof Error ? err.message : String(err) }),
        )
        // An answer that cannot be written (the connection gone): logged, never an unhandled rejection.
        .catch((err: unknown) => RED.log.warn(`${routePath}: ${err instanceof Error ? err.message : String(err)}`));
    });

  route('/ovh-credentials/account/values', async (body) => {
    const node = accountNode(body.account);
    const chosen = valuesOf(body.params);
    // A field whose source the operation's description gave (labelled ids, body fields), else a
    // path placeholder's parent list. Kept by what is read: the list and the values it takes.
    const source = body.source === undefined ? undefined : checkSource(body.source);
    const listPath = source
      ? JSON.stringify([source, sourceInputs(source).map((name) => chosen[name] ?? '')])
      : parentList(text(body.path, 'path'), text(body.placeholder, 'placeholder'), chosen);
    const client = node.getClient();
    let lists = kept.get(client);
    if (!lists) kept.set(client, (lists = new Map()));
    const now = Date.now();
    for (const [path, list] of lists) if (now - list.at >= VALUES_KEPT_MS) lists.delete(path);
    const known = lists.get(listPath);
    if (known) return known.answer;
    const answer = source
      ? await readValueList(client, text(body.field, 'field'), source, chosen)
      : await listValues(client, listPath);
    if (lists.size >= MOST_LISTS_KEPT) lists.delete(lists.keys().next().value as string); // the oldest
    lists.set(listPath, { at: Date.now(), answer });
    return answer;
  });

  route('/ovh-credentials/account/try', async (body) => {
    const node = accountNode(body.account);
    const call: Call = { method: normalizeMethod(text(body.method, 'method')), path: text(body.path, 'path') };
    const rows = Array.isArray(body.parameters) ? body.parameters.filter(isPlainObject) : [];
    // Rows that read msg, flow, global, env or JSONata have no value without a msg: not set. A
    // placeholder or a required value Try cannot give: said before anything is sent.
    const {
      literal,
      unset,
      needed: [needed],
    } = tryRows(rows, call.path);
    if (needed) {
      throw new OvhInputError(
        `Parameter "${String(needed.name)}" reads ${String(needed.valueType)} ${String(needed.value)}, which Try has no msg for: give the row a value to try the call`,
      );
    }
    await ParameterRows.read(literal, node as Node, RED)?.apply(call, {});
    const mode = body.mode === 'pages' || body.mode === 'expand' ? body.mode : 'single';
    const tried =
      mode === 'single'
        ? await tryCall(node, call)
        : await tryCallInMode(
            node.getClient(),
            call,
            readSettings({ method: call.method, path: call.path, mode, pageSize: wholeText(body.pageSize) }),
            RED,
          );
    return { ...tried, notSet: unset.map((r) => String(r.name)) };
  });
}

/** The running account node of a deployed account; refused for anything else. */
export function runningAccount(RED: NodeAPI, deployed: DeployedAccounts, id: unknown): OvhCredentialsNode {
  const node = deployed.get(id) && typeof id === 'string' ? (RED.nodes.getNode(id) as OvhCredentialsNode | null) : null;
  if (!node || typeof node.getClient !== 'function')
    throw new OvhInputError('Deploy this account first: the dialog calls the API through a deployed account');
  return node;
}

/**
 * The list that says which values a placeholder takes: the path up to it (`/domain/zone` for
 * `{zoneName}` in `/domain/zone/{zoneName}/record`), with the placeholders before it filled
 * from the values already chosen.
 */
export function parentList(path: string, placeholder: string, chosen: Record<string, string>): string {
  const marker = `/{${placeholder}}`;
  const at = path.split('?')[0].indexOf(marker);
  if (at <= 0) throw new OvhInputError(`{${placeholder}} is not a placeholder of ${path}, after a list`);
  return path.slice(0, at).replace(/\{([^/{}]+)\}/g, (_whole, name: string) => {
    const value = chosen[name];
    if (value === undefined || value === '')
      throw new OvhInputError(`Choose {${name}} first: the values of {${placeholder}} depend on it`);
    return encodeURIComponent(value);
  });
}

/** The values a list answers (ids or names), or why the key may not read it. */
async function listValues(client: OvhClient, listPath: string): Promise<unknown> {
  try {
    const res = await client.request('GET', listPath, { retry: false });
    const list = Array.isArray(res.body) ? res.body : [];
    const values = list.filter((v) => typeof v === 'string' || typeof v === 'number').slice(0, MOST_VALUES);
    return { listPath, values, more: list.length > values.length };
  } catch (err) {
    if (err instanceof OvhApiError && err.statusCode === 403) return { listPath, values: [], refused: err.message };
    throw err;
  }
}

/** What Try reads of a list in the node's mode: the first pages, or the first items. */
const TRY_MOST_PAGES = 3;
const TRY_MOST_ITEMS = 50;
/** Try's answer comes within this time, whatever the list. */
const TRY_MOST_MS = 20_000;

/**
 * A list read as the node's mode reads it (/v2 pages followed, a /1.0 list's items read), only
 * its beginning: the first pages or the first items, said so in `tried`. The reads stop as soon
 * as enough came: nothing more is asked of the API for a dialog.
 */
async function tryCallInMode(
  client: OvhClient,
  call: Call,
  settings: RequestSettings,
  RED: NodeAPI,
): Promise<Record<string, unknown>> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), TRY_MOST_MS);
  const run: MsgCall = {
    settings: { ...settings, split: 'each' },
    signal: stop.signal,
    answered: () => undefined,
    text: (key, substitutions) => RED._(`ovh-credentials.try.${key}`, substitutions),
    client,
    call,
  };
  const items: unknown[] = [];
  let first: OvhResponse | undefined;
  let pages = 0;
  let failed = 0;
  let more = false;
  try {
    for await (const step of runSequence(run)) {
      if (step.kind === 'item-failure') failed++;
      else {
        first ??= step.res;
        if (settings.mode === 'pages') {
          pages++;
          appendAll(items, pageItems(step.res.body));
        } else items.push(step.payload ?? step.res.body);
      }
      if (pages >= TRY_MOST_PAGES || items.length >= TRY_MOST_ITEMS) {
        more = true;
        break;
      }
    }
  } catch (err) {
    if (!(err instanceof OvhError) || err instanceof OvhInputError) throw err;
    return {
      ok: false,
      error: err.message,
      ...(err instanceof OvhApiError ? { statusCode: err.statusCode, queryId: err.queryId } : {}),
    };
  } finally {
    clearTimeout(timer);
    stop.abort(); // the items still being read are not needed
  }
  const tried = { mode: settings.mode, items: items.length, failed, more, ...(settings.mode === 'pages' ? { pages } : {}) };
  const json = JSON.stringify(items);
  return {
    ok: true,
    statusCode: first?.statusCode ?? 200,
    queryId: first?.queryId,
    url: first?.url,
    tried,
    ...(Buffer.byteLength(json) <= MOST_ANSWER_BYTES
      ? { answer: items }
      : { answerText: Buffer.from(json).subarray(0, MOST_ANSWER_BYTES).toString(), truncated: true }),
  };
}

/** A call as the node would make it, answered as the dialog shows it: status, query id, the first 100 KB. */
async function tryCall(node: OvhCredentialsNode, call: Call): Promise<Record<string, unknown>> {
  const client = node.getClient();
  try {
    const res = await client.request(call.method, call.path, {
      params: call.params,
      query: call.query,
      body: call.body,
      retry: false,
    });
    // The client reads nothing nested deeper; refused here too rather than overflowing JSON.stringify.
    checkNesting(res.body, 'The answer');
    const json = JSON.stringify(res.body) ?? 'null';
    const whole = Buffer.byteLength(json) <= MOST_ANSWER_BYTES;
    return {
      ok: true,
      statusCode: res.statusCode,
      queryId: res.queryId,
      url: res.url,
      ...(whole
        ? { answer: res.body }
        : { answerText: Buffer.from(json).subarray(0, MOST_ANSWER_BYTES).toString(), truncated: true }),
    };
  } catch (err) {
    // The same words as at runtime; an input refusal is the dialog's to fix (400).
    if (err instanceof OvhInputError) throw err;
    if (!(err instanceof OvhError)) throw err;
    await node.catalogues.explainIamDenial(err, client.base.baseUrl).catch(() => undefined); // the runtime's words
    return {
      ok: false,
      error: err.message,
      ...(err instanceof OvhApiError ? { statusCode: err.statusCode, queryId: err.queryId } : {}),
    };
  }
}

/** A number as a dialog's field may hold it, else none (readSettings bounds it). */
function wholeText(value: unknown): string | number | undefined {
  return typeof value === 'number' || typeof value === 'string' ? value : undefined;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 2000) throw new OvhInputError(`Give the ${name}`);
  return value;
}

function valuesOf(raw: unknown): Record<string, string> {
  if (!isPlainObject(raw)) return {};
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
