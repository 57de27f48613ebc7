/**
 * ovh-credentials: the config node holding an OVHcloud account (region or base URL, and either
 * application key + secret + consumer key or an OAuth2 service account). It owns one client,
 * shared by every ovh-request node that uses it. Its dialog's admin endpoints are in
 * admin/ (one file per dialog concern).
 */
import { CREDENTIAL_NAMES, ENDPOINTS, OvhClient, PRESETS, SECRET_CREDENTIALS, authTypeOf, type CallObserver } from './client';
import { clientOptions, environmentEndpoint, type AccountConfig, type OvhCredentialsNode } from './account/config';
import { Catalogues, descriptionsDir } from './account/api-catalogue';
import { DeployedAccounts } from './account/deployed-accounts';
import { registerKeyRoutes } from './admin/key-routes';
import { registerCatalogueRoutes } from './admin/catalogue-routes';
import { registerFlowRulesRoute } from './admin/flow-rules-routes';
import { registerTryAndValuesRoutes } from './admin/try-and-values-routes';
import { AccountKey } from './account/key-expiry';
import { callLogOptions, logCallsOf } from './account/call-log';
import { registerIamRoutes } from './admin/iam-routes';
import { PROXY_CREDENTIAL_FIELDS, proxyOption, type ProxyConfig, type ProxyCredentials } from './account/proxy';
import type { NodeAPI, NodeDef } from './node-red';

/** Each credential as Node-RED stores it: secrets as passwords, never sent back to the editor. */
const CREDENTIAL_FIELDS = Object.fromEntries(
  CREDENTIAL_NAMES.map((name) => [name, { type: SECRET_CREDENTIALS.has(name) ? ('password' as const) : ('text' as const) }]),
);

/** The account's credentials: its keys, and the proxy's user name and password (account/proxy.ts). */
const ACCOUNT_CREDENTIAL_FIELDS = { ...CREDENTIAL_FIELDS, ...PROXY_CREDENTIAL_FIELDS };

/** The regions, in the dialog's order, with what it shows of each. */
const REGIONS = Object.entries(ENDPOINTS).map(([name, info]) => ({
  name,
  baseUrl: info.baseUrl,
  createAppUrl: info.createAppUrl,
  oauth2: 'tokenUrl' in info,
}));

export = function register(RED: NodeAPI): void {
  const deployed = new DeployedAccounts();
  // Made here, with the node type: every account and every route reach the same one.
  const catalogues = new Catalogues(descriptionsDir(RED.settings?.userDir), (baseUrl) => deployed.proxyFor(baseUrl));

  function OvhCredentials(this: OvhCredentialsNode, def: NodeDef & AccountConfig & ProxyConfig): void {
    RED.nodes.createNode(this, def);
    this.authType = authTypeOf(def.authType);
    let client: OvhClient | undefined;
    let configError: Error | undefined;
    let key: AccountKey | undefined;
    const log = callLogOptions(this, logCallsOf(def.logCalls));
    // Each call ended: a log line when asked, and the key read from the first call on.
    const onCall: CallObserver = (record) => {
      key?.called();
      log.onCall?.(record);
    };
    const proxyConfig: ProxyConfig = { proxyFrom: def.proxyFrom, proxyUrl: def.proxyUrl, proxy: def.proxy };
    const proxyCredentials: ProxyCredentials = { ...(this.credentials as ProxyCredentials | undefined) };
    let proxy: ReturnType<typeof proxyOption>;
    try {
      proxy = proxyOption(proxyConfig, proxyCredentials, (id) => RED.nodes.getNode(id));
      client = new OvhClient({
        ...clientOptions(def, this.credentials ?? {}, process.env),
        proxy,
        onCall,
        observeBodies: log.observeBodies,
      });
    } catch (err) {
      // Every message sent through this account fails with the precise reason; the log says it once.
      configError = err as Error;
      this.error(RED._('ovh-credentials.errors.config', { message: configError.message }));
    }
    // Its stored secrets may be used by the dialog's Check, for this target only.
    const { endpoint, url, tokenUrl, authType, credentialsFrom } = def;
    const running = {
      config: { endpoint, url, tokenUrl, authType, credentialsFrom },
      credentials: { ...this.credentials },
      proxy: { config: proxyConfig, credentials: proxyCredentials, option: proxy, baseUrl: client?.base.baseUrl },
    };
    deployed.add(this.id, running);
    this.getClient = () => {
      if (!client) throw configError;
      return client;
    };
    this.queued = () => client?.queued ?? 0;
    this.catalogues = catalogues;
    const accountKey = (key = new AccountKey(this, RED, client));
    this.keyNotice = () => accountKey.notice();
    this.onKeyNotice = (listener) => accountKey.onNotice(listener);
    this.explainFailure = (err) => accountKey.explain(err);
    this.on('close', (_removed, done) => {
      accountKey.stop();
      deployed.remove(this.id, running);
      if (!client) return done();
      client.close().then(done, done);
    });
  }

  RED.nodes.registerType('ovh-credentials', OvhCredentials, {
    credentials: ACCOUNT_CREDENTIAL_FIELDS,
    // What the dialog needs to know of the client: one home, handed over as RED.settings.*.
    settings: {
      ovhCredentialsRegions: { value: REGIONS, exportable: true },
      // What accounts reading the OVH_* variables call: the dialog says it rather than the region shown.
      ovhCredentialsEnvironmentEndpoint: { value: environmentEndpoint(process.env) ?? null, exportable: true },
      ovhCredentialsPresets: { value: PRESETS, exportable: true },
      ovhCredentialsFields: { value: ACCOUNT_CREDENTIAL_FIELDS, exportable: true },
    },
  });

  registerKeyRoutes(RED, deployed);
  registerCatalogueRoutes(RED, deployed, catalogues);
  registerFlowRulesRoute(RED);
  registerTryAndValuesRoutes(RED, deployed);
  registerIamRoutes(RED, deployed, catalogues);
};
