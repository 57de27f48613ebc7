/**
 * The admin endpoints of the ovh-credentials dialog: request a consumer key, and Check. They
 * run in the runtime because only the runtime holds the stored secrets. They never send one
 * back, and send one only to the target its account was deployed with: the dialog's values come
 * from whoever may call the endpoint, and a stored secret must not follow them to another host.
 */
import { createHash } from 'node:crypto';
import {
  ApiBase,
  CREDENTIAL_NAMES,
  CREDENTIAL_WORDS,
  NEEDED_CREDENTIALS,
  OvhClient,
  OvhError,
  OvhInputError,
  authTypeOf,
  checkAccessRules,
  diagnose,
  withRecursion,
  failureText,
  missingCredentials,
  type CheckStatus,
  type CredentialName,
  type Credentials,
  type Diagnosis,
  type OvhClientOptions,
} from '../client';
import { clientOptions, credentialOf, endpointOf, ENV, type AccountConfig } from '../account/config';
import type { DeployedAccounts } from '../account/deployed-accounts';
import { proxyKindOf, proxyOption, type ProxyConfig } from '../account/proxy';
import type { AdminRequest, AdminResponse, NodeAPI } from '../node-red';

/** What the editor shows in a password field whose stored value is unchanged. */
export const STORED_SECRET = '__PWRD__';

/**
 * Where a configuration's credentials go: auth type, source, base URL and (OAuth2) token URL,
 * normalised. Two configurations with the same target send their secrets to the same places.
 */
function targetOf(config: AccountConfig, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const authType = authTypeOf(config.authType);
    const tokenUrl = authType === 'oauth2' ? config.tokenUrl?.trim() || undefined : undefined;
    const base = new ApiBase(endpointOf(config, env), tokenUrl);
    const source = config.credentialsFrom === 'env' ? 'env' : 'node';
    return JSON.stringify([authType, source, base.baseUrl, authType === 'oauth2' ? (base.tokenUrl ?? '') : '']);
  } catch {
    return undefined; // a configuration that cannot be used has no target
  }
}

/** The dialog's settings, read from an admin request's body. */
function dialogConfig(body: Record<string, unknown>): AccountConfig {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    endpoint: text(body.endpoint),
    url: text(body.url),
    tokenUrl: text(body.tokenUrl),
    authType: authTypeOf(body.authType),
    credentialsFrom: body.credentialsFrom === 'env' ? 'env' : 'node',
  };
}

/** SHA-256 of consumer keys requested through this runtime and not yet seen valid: lets Check say "pending". */
const requestedHere = new Set<string>();

function fingerprint(consumerKey: string): string {
  return createHash('sha256').update(consumerKey).digest('hex');
}

/**
 * Secrets the request left to the runtime that the runtime will not use for this target: the
 * Check answers it as an outcome of its own (`retype-secrets`, `env-elsewhere`), not a failure.
 */
class SecretsElsewhere extends OvhInputError {
  constructor(
    message: string,
    readonly status: 'retype-secrets' | 'env-elsewhere',
    readonly fields: CredentialName[] = [],
  ) {
    super(message);
  }
}

/** What the routes share: the deployed accounts and the environment. */
interface RouteContext {
  deployed: DeployedAccounts;
  env: NodeJS.ProcessEnv;
}

/** Opens a short-lived client for one admin call; the route closes it. */
type Open = (options: OvhClientOptions) => OvhClient;

export function registerKeyRoutes(RED: NodeAPI, deployed: DeployedAccounts): void {
  const context: RouteContext = { deployed, env: process.env };
  adminRoute(
    RED,
    deployed,
    '/ovh-credentials/request-token',
    (body, open) => requestToken(context, body, open),
    (text) => ({ error: text }),
  );
  adminRoute(
    RED,
    deployed,
    '/ovh-credentials/check',
    (body, open) => check(context, body, open),
    (text) => ({
      status: 'error' satisfies CheckStatus,
      detail: text,
    }),
  );
}

/** A whole admin call, however its server answers (undici's timeouts restart with each chunk). */
const ADMIN_DEADLINE_MS = 20_000;
/** The answers of a Check or a consumer-key request are small: a bigger one is not the API's. */
const ADMIN_MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * An admin endpoint: `run` answers [status, body]; bad input answers 400, anything else 502,
 * shaped by `failure` from words safe to show (failureText). Clients opened through `open` are
 * short-lived (no retries, a 10 s timeout per attempt, small answers, a deadline for the whole
 * call) and always closed.
 */
function adminRoute(
  RED: NodeAPI,
  deployed: DeployedAccounts,
  path: string,
  run: (body: Record<string, unknown>, open: Open) => Promise<[number, unknown]>,
  failure: (text: string) => unknown,
): void {
  RED.httpAdmin.post(path, RED.auth.needsPermission('ovh-credentials.write'), (req: AdminRequest, res: AdminResponse) => {
    const clients: OvhClient[] = [];
    const body = req.body !== null && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const open: Open = (options) => {
      const client = new OvhClient({
        ...options,
        // The dialog's Proxy setting: the account's admin calls go where its calls would.
        proxy: dialogProxy(RED, deployed, body),
        timeoutMs: 10_000,
        retry: { maxAttempts: 1 },
        maxAnswerBytes: ADMIN_MAX_ANSWER_BYTES,
      });
      clients.push(client);
      return client;
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(new OvhError(`No whole answer within ${ADMIN_DEADLINE_MS / 1000} s: the server answers too slowly`, 'TIMEOUT')),
        ADMIN_DEADLINE_MS,
      );
    });
    Promise.race([Promise.resolve().then(() => run(body, open)), deadline])
      .then(
        ([status, answer]) => res.status(status).json(answer),
        (err: Error) => res.status(err instanceof OvhInputError ? 400 : 502).json(failure(failureText(err))),
      )
      .finally(() => {
        clearTimeout(timer);
        clients.forEach((client) => void client.close().catch(() => undefined));
      })
      // An answer that cannot be written (the connection gone): logged, never an unhandled rejection.
      .catch((err: unknown) => RED.log.warn(`${path}: ${err instanceof Error ? err.message : String(err)}`));
  });
}

/**
 * The proxy of the dialog's Proxy setting. A stored proxy password (the placeholder in the
 * dialog) is used only with the proxy URL the account was deployed with: it must not follow a
 * URL typed by whoever may call the route.
 */
function dialogProxy(RED: NodeAPI, deployed: DeployedAccounts, body: Record<string, unknown>): ReturnType<typeof proxyOption> {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const config: ProxyConfig = { proxyFrom: proxyKindOf(body.proxyFrom), proxyUrl: text(body.proxyUrl), proxy: text(body.proxy) };
  let password = text(body.proxyPassword);
  if (config.proxyFrom === 'url' && password === STORED_SECRET) {
    const account = deployed.get(body.id)?.proxy;
    const sameProxy =
      account !== undefined &&
      proxyKindOf(account.config.proxyFrom) === 'url' &&
      account.config.proxyUrl?.trim() === config.proxyUrl?.trim();
    if (!sameProxy) {
      throw new OvhInputError(
        'The stored proxy password is only sent to the proxy this account was deployed with: type it again, or deploy first',
      );
    }
    password = account.credentials.proxyPassword;
  }
  return proxyOption(config, { proxyUser: text(body.proxyUser), proxyPassword: password }, (id) => RED.nodes.getNode(id));
}

/** The wizard's consumer-key request, with the dialog's application key (or OVH_APPLICATION_KEY). */
async function requestToken(context: RouteContext, body: Record<string, unknown>, open: Open): Promise<[number, unknown]> {
  const config = dialogConfig(body);
  const appKey = credentialOf('appKey', config, usableCredentials(context, body, config, ['appKey']), context.env);
  if (!appKey) {
    throw new OvhInputError(
      config.credentialsFrom === 'env' ? `Missing environment variable ${ENV.appKey}` : 'No application key',
    );
  }
  const answer = await open({ endpoint: endpointOf(config, context.env), appKey }).requestConsumerKey({
    // The dialog sends the rows and the flag; the expansion is the client's (one home for it).
    accessRules: withRecursion(checkAccessRules(body.accessRules), body.recursive === true),
    redirection: typeof body.redirection === 'string' ? body.redirection.trim() : undefined,
    allowedIPs: Array.isArray(body.allowedIPs) ? (body.allowedIPs as string[]) : undefined,
  });
  requestedHere.add(fingerprint(answer.consumerKey));
  return [200, answer];
}

/** The Check: the dialog's keys, diagnosed; `missing` and `pending` are decided here. */
async function check(context: RouteContext, body: Record<string, unknown>, open: Open): Promise<[number, unknown]> {
  const config = dialogConfig(body);
  const authType = authTypeOf(config.authType);
  let credentials: Credentials;
  try {
    credentials = usableCredentials(context, body, config, NEEDED_CREDENTIALS[authType]);
  } catch (err) {
    if (!(err instanceof SecretsElsewhere)) throw err;
    return [400, { status: err.status satisfies CheckStatus, fields: err.fields, detail: err.message }];
  }
  if (config.credentialsFrom !== 'env') {
    const missing = missingCredentials(authType, credentials);
    if (missing.length > 0) return [400, { status: 'missing' satisfies CheckStatus, missing }];
  }
  const options = clientOptions(config, credentials, context.env);
  const client = open(options);
  const diagnosis: Omit<Diagnosis, 'status'> & { status: CheckStatus; baseUrl?: string } = await diagnose(client);
  // The API the Check asked: with keys from the environment, OVH_ENDPOINT's, not the region shown.
  diagnosis.baseUrl = withoutUserInfo(client.base.baseUrl);
  const key = options.consumerKey ? fingerprint(options.consumerKey) : undefined;
  if (key && diagnosis.status === 'invalid-credential' && requestedHere.has(key)) diagnosis.status = 'pending';
  if (key && diagnosis.status === 'valid') requestedHere.delete(key);
  return [200, diagnosis];
}

/**
 * The credentials an admin call may use: those typed in the dialog; the deployed node's stored
 * ones where the dialog holds the placeholder, only for that node's own target; the OVH_*
 * variables only for OVH_ENDPOINT (which the environment itself names) or the target of a
 * deployed account that reads them. Refuses with a clear error otherwise.
 */
function usableCredentials(
  context: RouteContext,
  body: Record<string, unknown>,
  config: AccountConfig,
  needed: readonly CredentialName[],
): Credentials {
  const { deployed, env } = context;
  const target = targetOf(config, env);
  if (config.credentialsFrom === 'env') {
    const fromEnvAlone = Boolean(env[ENV.endpoint]?.trim()) && !(config.authType === 'oauth2' && config.tokenUrl?.trim());
    const deployedWithEnv = [...deployed.all()].some(
      ({ config: c }) => c.credentialsFrom === 'env' && targetOf(c, env) === target,
    );
    if (!fromEnvAlone && !deployedWithEnv) {
      throw new SecretsElsewhere(
        `Keys from the OVH_* variables are only used with ${ENV.endpoint}, or with the region or URL of a ` +
          `deployed account that reads them: deploy first, or set ${ENV.endpoint}`,
        'env-elsewhere',
      );
    }
    return {};
  }
  const credentials: Credentials = {};
  const storedWanted: CredentialName[] = [];
  for (const name of CREDENTIAL_NAMES) {
    const given = body[name];
    if (given === STORED_SECRET) {
      if (needed.includes(name)) storedWanted.push(name);
    } else if (typeof given === 'string') {
      credentials[name] = given;
    }
  }
  if (storedWanted.length === 0) return credentials;
  const account = deployed.get(body.id);
  if (!account || account.config.credentialsFrom === 'env' || target === undefined || targetOf(account.config, env) !== target) {
    const many = storedWanted.length > 1;
    throw new SecretsElsewhere(
      `The stored ${storedWanted.map((name) => CREDENTIAL_WORDS[name]).join(' and ')} ${many ? 'are' : 'is'} only sent to ` +
        `the region or URL, token URL, authentication and key source this account was deployed with: type ` +
        `${many ? 'them' : 'it'} again, or deploy first`,
      'retype-secrets',
      storedWanted,
    );
  }
  // The running node's own secrets, never the store's: those may be a redeploy's, for another target.
  for (const name of storedWanted) credentials[name] = account.credentials[name];
  return credentials;
}

/** A URL as shown to the dialog: a user name or password written in it left out. */
function withoutUserInfo(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.username = url.password = '';
  return url.href;
}
