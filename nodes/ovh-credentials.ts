/**
 * ovh-credentials: the config node holding an OVHcloud account (region or base URL, and either
 * application key + secret + consumer key or an OAuth2 service account). It owns one client,
 * shared by every ovh-request node that uses it. Its dialog's admin endpoints are in
 * admin-routes.ts.
 */
import { CREDENTIAL_NAMES, ENDPOINTS, OvhClient, PRESETS, SECRET_CREDENTIALS, authTypeOf } from './client';
import { clientOptions, type AccountConfig, type OvhCredentialsNode } from './account';
import { DeployedAccounts, registerAdminRoutes } from './admin-routes';
import { registerCatalogueRoutes } from './catalogue-routes';
import { registerRulesRoute } from './rules-routes';
import { registerAccountRoutes } from './account-routes';
import { registerIamRoutes } from './iam-routes';
import type { NodeAPI, NodeDef } from './node-red';

/** Each credential as Node-RED stores it: secrets as passwords, never sent back to the editor. */
const CREDENTIAL_FIELDS = Object.fromEntries(
  CREDENTIAL_NAMES.map((name) => [name, { type: SECRET_CREDENTIALS.has(name) ? ('password' as const) : ('text' as const) }]),
);

/** The regions, in the dialog's order, with what it shows of each. */
const REGIONS = Object.entries(ENDPOINTS).map(([name, info]) => ({
  name,
  baseUrl: info.baseUrl,
  createAppUrl: info.createAppUrl,
  oauth2: 'tokenUrl' in info,
}));

export = function register(RED: NodeAPI): void {
  const deployed = new DeployedAccounts();

  function OvhCredentials(this: OvhCredentialsNode, def: NodeDef & AccountConfig): void {
    RED.nodes.createNode(this, def);
    this.authType = authTypeOf(def.authType);
    let client: OvhClient | undefined;
    let configError: Error | undefined;
    try {
      client = new OvhClient(clientOptions(def, this.credentials ?? {}, process.env));
    } catch (err) {
      // Every message sent through this account fails with the precise reason; the log says it once.
      configError = err as Error;
      this.error(RED._('ovh-credentials.errors.config', { message: configError.message }));
    }
    // Its stored secrets may be used by the dialog's Check, for this target only.
    const { endpoint, url, tokenUrl, authType, credentialsFrom } = def;
    const running = { config: { endpoint, url, tokenUrl, authType, credentialsFrom }, credentials: { ...this.credentials } };
    deployed.add(this.id, running);
    this.getClient = () => {
      if (!client) throw configError;
      return client;
    };
    this.queued = () => client?.queued ?? 0;
    this.on('close', (_removed, done) => {
      deployed.remove(this.id, running);
      if (!client) return done();
      client.close().then(done, done);
    });
  }

  RED.nodes.registerType('ovh-credentials', OvhCredentials, {
    credentials: CREDENTIAL_FIELDS,
    // What the dialog needs to know of the client: one home, handed over as RED.settings.*.
    settings: {
      ovhCredentialsRegions: { value: REGIONS, exportable: true },
      ovhCredentialsPresets: { value: PRESETS, exportable: true },
      ovhCredentialsFields: { value: CREDENTIAL_FIELDS, exportable: true },
    },
  });

  registerAdminRoutes(RED, deployed);
  registerCatalogueRoutes(RED, deployed);
  registerRulesRoute(RED);
  registerAccountRoutes(RED, deployed);
  registerIamRoutes(RED, deployed);
};
