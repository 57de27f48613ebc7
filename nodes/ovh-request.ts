/**
 * ovh-request: calls the OVHcloud API for each message, through the client of its
 * ovh-credentials node. Every message leaves: on the output, or at a Catch node (or the second
 * output) with the reason.
 */
import { setMaxListeners } from 'node:events';
import { OvhApiError, OvhInputError, pageItems, type OvhClient, type OvhResponse } from './client';
import type { OvhCredentialsNode } from './account';
import type { Done, Node, NodeAPI, NodeDef, NodeMessage, Send } from './node-red';
import {
  errorFields,
  factsOf,
  readCall,
  wholeNumber,
  writeAnswer,
  writeFailure,
  type Call,
  type Ignored,
  type RequestConfig,
} from './request-message';
import { StatusReporter } from './status';

interface OvhRequestNode extends Node {
  account?: OvhCredentialsNode;
}

export = function register(RED: NodeAPI): void {
  function OvhRequest(this: OvhRequestNode, def: NodeDef & RequestConfig): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const config: RequestConfig = {
      method: def.method || 'GET',
      path: def.path ?? '',
      body: def.body === 'none' ? 'none' : 'payload',
      mode: def.mode === 'pages' || def.mode === 'expand' ? def.mode : 'single',
      split: def.split === 'each' ? 'each' : 'one',
      errorOutput: def.errorOutput === true,
    };
    const concurrency = wholeNumber(def.concurrency, 4, 1, 32);
    const pageSize = def.pageSize === '' || def.pageSize === undefined ? undefined : wholeNumber(def.pageSize, 100, 1, 10000);
    const maxPages = wholeNumber(def.maxPages, 100, 1, 100000);
    node.account = def.account ? ((RED.nodes.getNode(def.account) as OvhCredentialsNode | null) ?? undefined) : undefined;

    const status = new StatusReporter(node, RED, () => node.account?.queued() ?? 0);
    /** Aborts this node's calls on close, whether or not its account node is closed too. */
    const stopping = new AbortController();
    setMaxListeners(0, stopping.signal); // one listener per call in flight

    const inFlight = new Set<Promise<void>>();
    const warned = new Set<Ignored>();
    const ignored = (what: Ignored) => {
      if (warned.has(what)) return;
      warned.add(what);
      node.warn(RED._(`ovh-request.warn.ignored-${what}`));
    };

    /** Sends a failed msg on: to the second output, or to Catch nodes through done(err). */
    const fail = (msg: NodeMessage, err: unknown, send: Send, done: Done) => {
      writeFailure(msg, err);
      status.failed(err);
      if (config.errorOutput) {
        msg.error = errorFields(err);
        send([null, msg]);
        done();
      } else {
        done(err instanceof Error ? err : new Error(String(err)));
      }
    };

    /** For one item of several (pages or expand, one msg each): reported without ending the input msg. */
    const failItem = (msg: NodeMessage, err: unknown, send: Send) => {
      writeFailure(msg, err);
      status.failed(err);
      if (config.errorOutput) {
        msg.error = errorFields(err);
        send([null, msg]);
      } else {
        node.error(err instanceof Error ? err : new Error(String(err)), msg);
      }
    };

    const ok = (send: Send, msg: NodeMessage) => send(config.errorOutput ? [msg, null] : msg);

    const handle = async (msg: NodeMessage, send: Send, done: Done): Promise<void> => {
      if (!node.account) throw new OvhInputError(RED._('ovh-request.errors.no-account'));
      const client = node.account.getClient();
      const call = readCall(config, msg, ignored);
      if (config.mode === 'pages') return pages(client, call, msg, send, done);
      if (config.mode === 'expand') return expand(client, call, msg, send, done);
      const res = await client.request(call.method, call.path, { ...call, signal: stopping.signal });
      status.answered(res.statusCode);
      ok(send, writeAnswer(msg, res));
      done();
    };

    /** /v2 cursor pagination: every page, in one msg or one msg per page. */
    const pages = async (client: OvhClient, call: Call, msg: NodeMessage, send: Send, done: Done): Promise<void> => {
      if (call.method !== 'GET') throw new OvhInputError(RED._('ovh-request.errors.get-only', { mode: 'pages' }));
      const items: unknown[] = [];
      let index = 0;
      let attempts = 0;
      let last: OvhResponse | undefined;
      const started = Date.now();
      const pager = client.pages(call.path, { ...call, pageSize, maxPages, signal: stopping.signal });
      for await (const res of pager) {
        last = res;
        attempts += res.attempts;
        status.answered(res.statusCode);
        if (config.split === 'each') {
          const part = RED.util.cloneMessage(msg);
          const isLast = !res.headers['x-pagination-cursor-next'];
          part.parts = { id: msg._msgid, type: 'array', index, ...(isLast ? { count: index + 1 } : {}) };
          ok(send, writeAnswer(part, res, res.body, { ...factsOf(res), page: index + 1 }));
        } else {
          items.push(...pageItems(res.body));
        }
        index++;
      }
      if (config.split !== 'each' && last) {
        ok(send, writeAnswer(msg, last, items, { ...factsOf(last), durationMs: Date.now() - started, attempts, pages: index }));
      }
      done();
    };

    /** A /1.0 list of ids, then `path/{id}` for each, a few at a time. */
    const expand = async (client: OvhClient, call: Call, msg: NodeMessage, send: Send, done: Done): Promise<void> => {
      if (call.method !== 'GET') throw new OvhInputError(RED._('ovh-request.errors.get-only', { mode: 'expand' }));
      const started = Date.now();
      const list = await client.request(call.method, call.path, { ...call, signal: stopping.signal });
      status.answered(list.statusCode);
      if (!Array.isArray(list.body)) throw new OvhInputError(RED._('ovh-request.errors.not-a-list', { path: call.path }));
      const ids = list.body as unknown[];
      const itemPath = call.path.split('?')[0].replace(/\/+$/, '') + '/{ovhExpandId}';
      const results: unknown[] = new Array(ids.length);
      const failures: Array<{ id: unknown; index: number; message: string; statusCode?: number }> = [];
      let attempts = list.attempts;
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const index = next++;
          const id = ids[index];
          const part = config.split === 'each' ? RED.util.cloneMessage(msg) : undefined;
          if (part) part.parts = { id: msg._msgid, type: 'array', index, count: ids.length };
          try {
            const res = await client.request('GET', itemPath, {
              params: { ...call.params, ovhExpandId: id },
              headers: call.headers,
              signal: stopping.signal,
            });
            attempts += res.attempts;
            status.answered(res.statusCode);
            if (part) ok(send, writeAnswer(part, res, res.body, { ...factsOf(res), id }));
            else results[index] = res.body;
          } catch (err) {
            if (stopping.signal.aborted) throw err;
            if (part) failItem(part, err, send);
            else
              failures.push({
                id,
                index,
                message: (err as Error).message,
                statusCode: err instanceof OvhApiError ? err.statusCode : undefined,
              });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
      if (config.split === 'each') return done();
      const facts = { ...factsOf(list), durationMs: Date.now() - started, attempts, items: ids.length };
      if (failures.length === 0) {
        ok(send, writeAnswer(msg, list, results, facts));
        return done();
      }
      // Partial results travel with the error, so nothing fetched is lost.
      const failed = new Set(failures.map((f) => f.index));
      writeAnswer(
        msg,
        list,
        results.filter((_r, i) => !failed.has(i)),
        { ...facts, failures },
      );
      const summary = failures
        .slice(0, 3)
        .map((f) => f.message)
        .join('; ');
      fail(
        msg,
        new Error(RED._('ovh-request.errors.expand-failed', { failed: failures.length, total: ids.length, summary })),
        send,
        done,
      );
    };

    node.on('input', (msg, send, done) => {
      status.started();
      const work = handle(msg, send, done)
        .catch((err: unknown) => fail(msg, err, send, done))
        .finally(() => {
          inFlight.delete(work);
          status.finished();
        });
      inFlight.add(work);
    });

    node.on('close', (_removed, done) => {
      stopping.abort();
      // Every message in flight ends (its done called) before the node reports closed.
      void Promise.allSettled([...inFlight]).then(() => {
        status.close();
        done();
      });
    });
  }

  RED.nodes.registerType('ovh-request', OvhRequest);
};
