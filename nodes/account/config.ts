/**
 * How an ovh-credentials configuration (region or URL, auth type, keys stored in the node or
 * taken from the OVH_* environment variables) becomes client options. Shared by the config node
 * and its admin endpoints.
 */
import {
  ApiBase,
  NEEDED_CREDENTIALS,
  OvhInputError,
  isEndpointName,
  type AuthType,
  type CredentialName,
  type Credentials,
  type OvhClient,
  type OvhClientOptions,
} from '../client';
import type { Node } from '../node-red';
import type { Catalogues } from './api-catalogue';

/** The official clients' environment variable names. */
export const ENV = {
  endpoint: 'OVH_ENDPOINT',
  appKey: 'OVH_APPLICATION_KEY',
  appSecret: 'OVH_APPLICATION_SECRET',
  consumerKey: 'OVH_CONSUMER_KEY',
  clientId: 'OVH_CLIENT_ID',
  clientSecret: 'OVH_CLIENT_SECRET',
} as const;

/** The node's properties, as they appear in an exported flow. */
export interface AccountConfig {
  endpoint?: string;
  url?: string;
  /** OAuth2 token URL for a custom base URL (the regions have their own). */
  tokenUrl?: string;
  authType?: AuthType;
  /** `node`: the keys stored in this node; `env`: the OVH_* environment variables, chosen in the dialog. */
  credentialsFrom?: 'node' | 'env';
  /** Seconds allowed for one attempt. */
  timeout?: number | string;
  /** Calls at once for this account (empty or 0: no cap). */
  maxInFlight?: number | string;
  /** Calls per second for this account (empty or 0: no rate). */
  rate?: number | string;
  /** Calls that may wait for a turn before new ones are refused. */
  maxQueue?: number | string;
  /** A log line per call: `off` (default), `calls`, or `bodies` (with the bodies, secrets masked). */
  logCalls?: string;
}

export interface OvhCredentialsNode extends Node {
  authType: AuthType;
  /** The shared client; throws the configuration error when none could be made. */
  getClient(): OvhClient;
  /** Calls of this account waiting for a turn under its limits (0 without a client). */
  queued(): number;
  /** What the API's kept description says of a call: one service for every account. */
  catalogues: Catalogues;
  /** The consumer key's expiry in a few words, when under a week away (key-expiry.ts). */
  keyNotice(): string | undefined;
  /** Calls `listener` after each read of the consumer key; returns what stops it. */
  onKeyNotice(listener: () => void): () => void;
  /** A failure as the account explains it: a key refused after its expiry says so. */
  explainFailure(err: unknown): unknown;
}

/** A region name or base URL; OVH_ENDPOINT wins in environment mode when it is set. */
export function endpointOf(config: AccountConfig, env: NodeJS.ProcessEnv): string {
  const fromEnv = config.credentialsFrom === 'env' ? env[ENV.endpoint]?.trim() : undefined;
  if (fromEnv) return fromEnv;
  const endpoint = config.endpoint === 'custom' ? config.url?.trim() : config.endpoint?.trim();
  if (!endpoint) {
    throw new OvhInputError(config.endpoint === 'custom' ? 'No base URL: fill in the URL field' : 'No endpoint: choose a region');
  }
  return endpoint;
}

/**
 * The base URL OVH_ENDPOINT gives accounts whose keys come from the environment, as the dialog
 * and Check show it (`ovh-eu` is `https://eu.api.ovh.com/1.0`); a user name or password written
 * in it is left out. Undefined when the variable is not set; its own words when it is no endpoint.
 */
export function environmentEndpoint(
  env: NodeJS.ProcessEnv,
): { endpoint: string; baseUrl?: string; problem?: string } | undefined {
  const endpoint = env[ENV.endpoint]?.trim();
  if (!endpoint) return undefined;
  try {
    const url = new URL(new ApiBase(endpoint).baseUrl);
    url.username = url.password = '';
    return { endpoint: isEndpointName(endpoint) ? endpoint : url.href, baseUrl: url.href };
  } catch {
    // Its text is not repeated: a URL may carry a password.
    return { endpoint: '', problem: `${ENV.endpoint} is neither a region name nor a base URL` };
  }
}

/** One credential, from the node or from its environment variable. */
export function credentialOf(
  name: CredentialName,
  config: AccountConfig,
  stored: Credentials,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const raw = config.credentialsFrom === 'env' ? env[ENV[name]] : stored[name];
  return raw?.trim() || undefined;
}

/** Client options for a configuration: only the credentials of its auth type are passed on. */
export function clientOptions(config: AccountConfig, stored: Credentials, env: NodeJS.ProcessEnv): OvhClientOptions {
  const authType: AuthType = config.authType === 'oauth2' ? 'oauth2' : 'signature';
  const needed = NEEDED_CREDENTIALS[authType];
  if (config.credentialsFrom === 'env') {
    const missing = needed.filter((name) => !credentialOf(name, config, stored, env)).map((name) => ENV[name]);
    if (missing.length > 0) {
      throw new OvhInputError(`Missing environment variable(s): ${missing.join(', ')}`, { kind: 'missing-credentials' });
    }
  }
  const timeout = Number(config.timeout);
  const options: OvhClientOptions = {
    endpoint: endpointOf(config, env),
    authType,
    timeoutMs: timeout > 0 ? timeout * 1000 : undefined,
    limits: {
      maxInFlight: Number(config.maxInFlight) || undefined,
      ratePerSecond: Number(config.rate) || undefined,
      maxQueue: config.maxQueue === undefined || config.maxQueue === '' ? undefined : Number(config.maxQueue),
    },
  };
  for (const name of needed) options[name] = credentialOf(name, config, stored, env);
  if (authType === 'oauth2' && config.tokenUrl?.trim()) options.tokenUrl = config.tokenUrl.trim();
  return options;
}
