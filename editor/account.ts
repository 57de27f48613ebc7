/** The account a node uses, as the request and watch dialogs pick it and name its API. */

/** The query naming an account's API to the catalogue endpoints: its id if deployed, else its region. */
export interface ApiQuery {
  account: string;
  region?: string;
}

/** A new node (no account yet) takes the account when there is exactly one. */
export function takeOnlyAccount(node: { account?: unknown }, select: JQuery): void {
  if (node.account) return;
  const accounts: string[] = [];
  RED.nodes.eachConfig((config) => {
    if (config.type === 'ovh-credentials') accounts.push(config.id);
  });
  if (accounts.length === 1) select.val(accounts[0]);
}

/** The catalogue endpoints' query for this account's API; undefined without an account. */
export function apiOf(accountId: string | undefined): ApiQuery | undefined {
  const account = accountId ? RED.nodes.node(accountId) : null;
  if (!accountId || !account) return undefined;
  const query: ApiQuery = { account: accountId };
  if (typeof account.endpoint === 'string' && account.endpoint !== 'custom') query.region = account.endpoint;
  return query;
}
