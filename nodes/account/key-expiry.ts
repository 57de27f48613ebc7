/**
 * A consumer key that expires, as the account's nodes show it: the account reads the key's
 * validity (client/key-watch.ts) from its first call, then daily; under a week from its expiry, every node of
 * the account shows it in its status and the log says it once a day; a call refused with
 * `403 INVALID_CREDENTIAL` after it says the key expired, when, and what to do.
 */
import { KEY_READ_EVERY_MS, KeyWatch, OvhApiError, daysLeft, type KeyValidity, type OvhClient } from '../client';
import type { OvhCredentialsNode } from './config';
import type { Node, NodeAPI, NodeStatus } from '../node-red';

/** How near an expiry must be for the nodes to show it. */
const NOTICE_DAYS = 7;

/** The consumer key of one account: its watch, and what the account's nodes make of it. */
export class AccountKey {
  private readonly watch: KeyWatch | undefined;
  private started = false;
  private readonly listeners = new Set<() => void>();
  private lastWarned = -Infinity;

  constructor(
    private readonly node: Node,
    private readonly RED: NodeAPI,
    client: OvhClient | undefined,
  ) {
    // OAuth2 service accounts have no consumer key; an account without a client has no calls.
    if (!client || client.authType !== 'signature') return;
    const everyMs = (RED.settings as { ovhCredentialsKeyReadMs?: number } | undefined)?.ovhCredentialsKeyReadMs;
    this.watch = new KeyWatch(
      (signal) => client.currentCredential(signal),
      (validity) => this.read(validity),
      { everyMs: everyMs ?? KEY_READ_EVERY_MS },
    );
  }

  /**
   * The account made a call: its key is read from now on (at once, then daily). Not before: an
   * account that calls nothing has nothing to say of its key, and sends nothing.
   */
  called(): void {
    if (this.started) return;
    this.started = true;
    this.watch?.start();
  }

  /** The expiry in a few words, for a status, when it is under a week away (or passed). */
  notice(now = Date.now()): string | undefined {
    const expiration = this.watch?.validity?.expiration;
    if (!expiration) return undefined;
    const days = daysLeft(expiration, now);
    if (days >= NOTICE_DAYS) return undefined;
    const date = dateText(expiration);
    if (expiration.getTime() <= now) return this.RED._('ovh-credentials.status.key-expired', { date });
    return this.RED._('ovh-credentials.status.key-expires', { days, date });
  }

  /** Calls `listener` after each read of the key; returns what stops it. */
  onNotice(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A call refused with `403 INVALID_CREDENTIAL` after the key's known expiry: its message says so,
   * with the date and what to do. Any other failure is returned as it is.
   */
  explain(err: unknown, now = Date.now()): unknown {
    const expiration = this.watch?.validity?.expiration;
    if (!(err instanceof OvhApiError) || err.errorCode !== 'INVALID_CREDENTIAL' || !expiration) return err;
    if (expiration.getTime() > now) return err;
    err.sayInstead(this.RED._('ovh-credentials.errors.key-expired', { date: dateText(expiration) }));
    return err;
  }

  stop(): void {
    this.watch?.stop();
    this.listeners.clear();
  }

  private read(validity: KeyValidity): void {
    const notice = this.notice(validity.readAt);
    // Once a day at most, whatever the reads: a log line a day is what a person sees and acts on.
    if (notice && validity.readAt - this.lastWarned >= KEY_READ_EVERY_MS) {
      this.lastWarned = validity.readAt;
      this.node.warn(this.RED._('ovh-credentials.warn.key-expires', { date: dateText(validity.expiration as Date) }));
    }
    for (const listener of this.listeners) listener();
  }
}

/**
 * Shows the account's key notice after whatever status the node sets (`200 · key expires in 3 d`),
 * now and after each read of the key; returns what stops it (on close).
 */
export function showKeyNotice(node: Node, account: OvhCredentialsNode | undefined): () => void {
  if (!account) return () => undefined;
  const set = node.status.bind(node);
  let last: Partial<NodeStatus> = {};
  const show = () => {
    const notice = account.keyNotice();
    if (!notice) return set(last);
    set({ fill: last.fill ?? 'yellow', shape: last.shape ?? 'ring', text: last.text ? `${last.text} · ${notice}` : notice });
  };
  let hidden = false;
  node.status = (status: NodeStatus | Record<string, never>) => {
    last = status;
    if (hidden) set(status);
    else show();
  };
  const stop = account.onKeyNotice(show);
  show();
  // Hidden, statuses pass as they are (a closing node clears its own); node.status is left as it
  // is, since a status wrapped after this one would be lost by putting back the original.
  return () => {
    stop();
    hidden = true;
  };
}

/** A date as the notices write it: `2026-12-05 14:03 UTC`. */
function dateText(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
