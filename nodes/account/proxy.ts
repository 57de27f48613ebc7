/**
 * An account's Proxy setting, as the client takes it: none, from the environment (the default,
 * as accounts saved before the setting had it), a given URL with a user name and password kept
 * as the node's credentials, or one of Node-RED's own `http proxy` config nodes (its URL, its
 * no-proxy list and its credentials, as the core http request node reads them). Shared by the
 * config node and the dialog's admin calls, so both go through the same proxy.
 */
import { OvhInputError, type ProxyChoice } from '../client';
import type { Node } from '../node-red';

export const PROXY_KINDS = ['env', 'none', 'url', 'node'] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];

/** The setting's properties, as they appear in an exported flow (never a password). */
export interface ProxyConfig {
  /** `env` (default): http_proxy / https_proxy / no_proxy; `none`; `url`: proxyUrl; `node`: the http proxy node `proxy`. */
  proxyFrom?: string;
  proxyUrl?: string;
  /** The id of an `http proxy` config node. */
  proxy?: string;
}

/** The given proxy's user name and password, stored as the account's credentials. */
export interface ProxyCredentials {
  proxyUser?: string;
  proxyPassword?: string;
}

/** How Node-RED stores them: the password never goes back to the editor. */
export const PROXY_CREDENTIAL_FIELDS = {
  proxyUser: { type: 'text' as const },
  proxyPassword: { type: 'password' as const },
};

/** Node-RED's `http proxy` config node, as its runtime holds it (core network/06-httpproxy.js). */
interface HttpProxyNode extends Node {
  url?: string;
  noproxy?: unknown;
  credentials: { username?: string; password?: string };
}

export function proxyKindOf(value: unknown): ProxyKind {
  return PROXY_KINDS.find((kind) => kind === value) ?? 'env';
}

/**
 * The client's proxy option for a setting: undefined (the environment), false (none) or the
 * proxy. `httpProxyNode` finds a running http proxy node by id. Throws a clear error when the
 * setting cannot be used.
 */
export function proxyOption(
  config: ProxyConfig,
  stored: ProxyCredentials,
  httpProxyNode: (id: string) => Node | null | undefined,
): ProxyChoice | false | undefined {
  switch (proxyKindOf(config.proxyFrom)) {
    case 'none':
      return false;
    case 'url':
      return {
        url: proxyUrl(config.proxyUrl, 'the Proxy URL field', false),
        user: stored.proxyUser?.trim() || undefined,
        password: stored.proxyPassword || undefined,
      };
    case 'node': {
      const node = config.proxy ? (httpProxyNode(config.proxy) as HttpProxyNode | null | undefined) : undefined;
      if (!node || node.type !== 'http proxy') {
        throw new OvhInputError('No http proxy node: choose one in the Proxy setting, and deploy it');
      }
      const noProxy = Array.isArray(node.noproxy)
        ? node.noproxy.filter((host): host is string => typeof host === 'string' && host.trim() !== '').join(',')
        : '';
      return {
        // Its URL may carry a user name and password, as the core http request node accepts.
        url: proxyUrl(node.url, `the http proxy node ${node.name ? `"${node.name}"` : node.id}`, true),
        user: node.credentials?.username || undefined,
        password: node.credentials?.password || undefined,
        ...(noProxy ? { noProxy } : {}),
      };
    }
    default:
      return undefined;
  }
}

/**
 * A proxy URL checked: http or https, a host. In the account's own field, a user name or password
 * written in it is refused, since that URL is exported with the flow (they have fields of their
 * own, kept as credentials).
 */
function proxyUrl(text: string | undefined, where: string, userInfoAllowed: boolean): string {
  const value = text?.trim();
  if (!value) throw new OvhInputError(`No proxy URL: fill in ${where}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OvhInputError(`The proxy URL in ${where} is not a URL (http://host:port)`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new OvhInputError(`The proxy URL in ${where} must be http://host:port or https://host:port`);
  }
  if (!userInfoAllowed && (url.username || url.password)) {
    throw new OvhInputError(`Write the proxy's user name and password in their own fields, not in ${where}`);
  }
  return url.href;
}
