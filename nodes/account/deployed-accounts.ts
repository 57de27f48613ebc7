/**
 * The running ovh-credentials nodes, each with the settings and secrets it was started with:
 * what the dialogs' admin routes may use a stored secret for, and which API an account id names.
 */
import type { Credentials } from '../client';
import type { AccountConfig } from './config';

/**
 * A running ovh-credentials node: its settings and the secrets it was started with, kept
 * together. Together, because Node-RED stores a redeploy's new secrets before it stops the old
 * node: the secrets in the store may already be those of another target.
 */
export interface DeployedAccount {
  config: AccountConfig;
  credentials: Credentials;
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

  all(): Iterable<DeployedAccount> {
    return this.byId.values();
  }
}
