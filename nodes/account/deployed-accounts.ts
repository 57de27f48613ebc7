/**
 * The running ovh-credentials nodes, each with the settings and secrets it was started with:
 * what the dialogs' admin routes may use a stored secret for, and which API an account id names.
 */
import type { Credentials, ProxyChoice } from '../client';
import type { AccountConfig } from './config';
import type { ProxyConfig, ProxyCredentials } from './proxy';

/**
 * A running ovh-credentials node: its settings and the secrets it was started with, kept
 * together. Together, because Node-RED stores a redeploy's new secrets before it stops the old
 * node: the secrets in the store may already be those of another target.
 */
export interface DeployedAccount {
  config: AccountConfig;
  credentials: Credentials;
  /** Its Proxy setting, the proxy's stored user name and password, and the proxy they made (undefined: the environment's). */
  proxy?: {
    config: ProxyConfig;
    credentials: ProxyCredentials;
    option: ProxyChoice | false | undefined;
    /** The API its client calls (none when the account could not make one). */
    baseUrl: string | undefined;
  };
}

/** The running ovh-credentials nodes, by id: what their stored secrets may be used for. */
export class DeployedAccounts {
  private readonly byId = new Map<string, DeployedAccount>();

  add(id: string, account: DeployedAccount): void {
    this.byId.set(id, account);
  }

  /** Removes an account, unless a newer deployment of the same id already replaced it. */
  remove(id: string, account: DeployedAccount): void {
    if (this.byId.get(id) === account) this.byId.delete(id);
  }

  get(id: unknown): DeployedAccount | undefined {
    return typeof id === 'string' ? this.byId.get(id) : undefined;
  }

  /**
   * The proxy of the first running account calling an API: what fetches its descriptions
   * (undefined: the environment's, as without accounts).
   */
  proxyFor(baseUrl: string): ProxyChoice | false | undefined {
    for (const account of this.byId.values()) if (account.proxy?.baseUrl === baseUrl) return account.proxy.option;
    return undefined;
  }

  all(): Iterable<DeployedAccount> {
    return this.byId.values();
  }
}
