/**
 * The admin endpoints through which the request dialog learns the API: a search over the
 * operations of an account's API, and one operation's details, answered by the catalogues
 * (account/api-catalogue.ts). Whoever may read flows may search, but never make the runtime fetch
 * a URL of their choosing: the API is named by a region, or by the id of a deployed account whose
 * URL is used.
 */
import { ApiBase, METHODS, OvhInputError, isEndpointName } from '../client';
import type { Catalogues } from '../account/api-catalogue';
import { endpointOf } from '../account/config';
import type { DeployedAccounts } from '../account/deployed-accounts';
import type { AdminRequest, AdminResponse, NodeAPI } from '../node-red';

export function registerCatalogueRoutes(RED: NodeAPI, deployed: DeployedAccounts, catalogues: Catalogues): void {
  const canRead = RED.auth.needsPermission('ovh-credentials.read');
  const route = (routePath: string, answer: (query: Record<string, unknown>) => Promise<unknown>) =>
    RED.httpAdmin.get(routePath, canRead, (req: AdminRequest & { query?: Record<string, unknown> }, res: AdminResponse) => {
      Promise.resolve()
        .then(() => answer(req.query ?? {}))
        .then(
          (body) => res.status(200).json(body),
          (err: Error) => res.status(err instanceof OvhInputError ? 400 : 502).json({ error: err.message }),
        );
    });
  route('/ovh-credentials/catalogue/search', async (query) => {
    const baseUrl = apiOf(deployed, query);
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '';
    const limit = Math.min(50, Math.max(1, Number(query.limit) || 20));
    return catalogues.search(baseUrl, q, limit, methodsOf(query.method));
  });
  route('/ovh-credentials/catalogue/operation', async (query) => {
    const baseUrl = apiOf(deployed, query);
    const method = typeof query.method === 'string' ? query.method.toUpperCase() : '';
    return catalogues.operation(baseUrl, method, typeof query.path === 'string' ? query.path : '');
  });
}

/** The base URL of the API named by the request: a region, or a deployed account's own URL; never a URL given. */
export function apiOf(deployed: DeployedAccounts, query: Record<string, unknown>): string {
  let endpoint: string;
  // A deployed account's own URL first: a dialog names the region too, for an account not yet deployed.
  const account = deployed.get(query.account);
  if (account) endpoint = endpointOf(account.config, process.env);
  else if (isEndpointName(query.region)) endpoint = query.region;
  else if (typeof query.account === 'string' && query.account !== '') {
    throw new OvhInputError(
      'Deploy this account first: its API is known by a deployed account, or by a region (ovh-eu, ovh-ca...)',
    );
  } else throw new OvhInputError('Name the API by a region (ovh-eu, ovh-ca...) or by the id of a deployed account');
  return new ApiBase(endpoint).baseUrl;
}

/** The methods a search keeps (`method=GET`, `method=GET,POST`, or the parameter repeated); all when none is named. */
function methodsOf(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const names = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
  const methods = names.map((name) => (typeof name === 'string' ? name.trim().toUpperCase() : ''));
  if (!methods.every((m) => (METHODS as readonly string[]).includes(m))) {
    throw new OvhInputError(`A search keeps operations of the methods ${METHODS.join(', ')}, not ${String(value)}`);
  }
  return methods;
}
