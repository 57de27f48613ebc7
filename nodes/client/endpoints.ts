/** The OVHcloud API endpoints, and how a call's path is placed on them. */
import { OvhInputError } from './errors';
import type { RequestTarget } from './transport';

export interface EndpointInfo {
  /** Base URL of the /1.0 branch. */
  baseUrl: string;
  /** OAuth2 token URL for service accounts, where the region offers them. */
  tokenUrl?: string;
  /** Where a person creates an application key for this region. */
  createAppUrl: string;
}

export const ENDPOINTS = {
  'ovh-eu': {
    baseUrl: 'https://eu.api.ovh.com/1.0',
    tokenUrl: 'https://www.ovh.com/auth/oauth2/token',
    createAppUrl: 'https://eu.api.ovh.com/createApp/',
  },
  'ovh-ca': {
    baseUrl: 'https://ca.api.ovh.com/1.0',
    tokenUrl: 'https://ca.ovh.com/auth/oauth2/token',
    createAppUrl: 'https://ca.api.ovh.com/createApp/',
  },
  'ovh-us': {
    baseUrl: 'https://api.us.ovhcloud.com/1.0',
    tokenUrl: 'https://us.ovhcloud.com/auth/oauth2/token',
    createAppUrl: 'https://api.us.ovhcloud.com/createApp/',
  },
  // OVHcloud's new hosts for the same accounts and keys (ovh/go-ovh#96, ovh/python-ovh#148,
  // ovh/node-ovh#65 move the official clients' ovh-eu and ovh-ca to them). Names of their own, so
  // a flow saved with ovh-eu or ovh-ca goes on calling the hosts it was saved with.
  'ovhcloud-eu': {
    baseUrl: 'https://api.eu.ovhcloud.com/1.0',
    tokenUrl: 'https://auth.eu.ovhcloud.com/oauth2/token',
    createAppUrl: 'https://auth.eu.ovhcloud.com/api/createApp',
  },
  'ovhcloud-ca': {
    baseUrl: 'https://api.ca.ovhcloud.com/1.0',
    tokenUrl: 'https://auth.ca.ovhcloud.com/oauth2/token',
    createAppUrl: 'https://auth.ca.ovhcloud.com/api/createApp',
  },
  'kimsufi-eu': { baseUrl: 'https://eu.api.kimsufi.com/1.0', createAppUrl: 'https://eu.api.kimsufi.com/createApp/' },
  'kimsufi-ca': { baseUrl: 'https://ca.api.kimsufi.com/1.0', createAppUrl: 'https://ca.api.kimsufi.com/createApp/' },
  'soyoustart-eu': {
    baseUrl: 'https://eu.api.soyoustart.com/1.0',
    createAppUrl: 'https://eu.api.soyoustart.com/createApp/',
  },
  'soyoustart-ca': {
    baseUrl: 'https://ca.api.soyoustart.com/1.0',
    createAppUrl: 'https://ca.api.soyoustart.com/createApp/',
  },
} as const satisfies Record<string, EndpointInfo>;

export type EndpointName = keyof typeof ENDPOINTS;

export function isEndpointName(name: unknown): name is EndpointName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ENDPOINTS, name);
}

/** Version segments that may end a base URL and that a call's path may name instead. */
const VERSION_SEGMENT = /\/(1\.0|v1|v2)$/;
/** A path naming its branch, as the API console shows them: `/v2/iam/policy`, `/1.0/me`. */
const VERSIONED_PATH = /^\/(?:v[12]|1\.0)(?:\/|$|\?)/;

/**
 * A base URL split once into its root (scheme, host, any prefix) and its default version
 * segment, so that `/v2/...` paths can replace the `/1.0` without string surgery per call.
 */
export class ApiBase {
  /** e.g. `https://eu.api.ovh.com` */
  readonly root: string;
  /** e.g. `/1.0`, or `''` for a custom base URL without a version segment. */
  readonly version: string;
  readonly baseUrl: string;
  readonly tokenUrl?: string;
  readonly isHttps: boolean;

  constructor(endpointOrUrl: string, tokenUrl?: string) {
    let baseUrl: string;
    if (isEndpointName(endpointOrUrl)) {
      const info: EndpointInfo = ENDPOINTS[endpointOrUrl];
      baseUrl = info.baseUrl;
      tokenUrl = tokenUrl ?? info.tokenUrl;
    } else {
      baseUrl = checkBaseUrl(endpointOrUrl);
    }
    this.baseUrl = baseUrl;
    const match = VERSION_SEGMENT.exec(baseUrl);
    this.version = match ? match[0] : '';
    this.root = match ? baseUrl.slice(0, -match[0].length) : baseUrl;
    this.tokenUrl = tokenUrl === undefined ? undefined : checkBaseUrl(tokenUrl, 'token URL');
    this.isHttps = baseUrl.startsWith('https:');
  }

  /** Request targets by URL text: a flow calls the same few URLs over and over. Never mutated. */
  private readonly targets = new Map<string, RequestTarget>();

  /**
   * WHATWG-parses a URL once into what a request needs (the href it signs, the origin and path
   * it sends); later calls with the same text share the result.
   */
  target(text: string): RequestTarget {
    let target = this.targets.get(text);
    if (target === undefined) {
      const url = new URL(text);
      target = { href: url.href, origin: url.origin, path: url.pathname + url.search };
      if (this.targets.size >= 500) this.targets.clear(); // bounded: a flow with ever-new URLs gains nothing
      this.targets.set(text, target);
    }
    return target;
  }

  /** The unencoded URL for an API path: `/1.0/...`, `/v1/...` and `/v2/...` replace the base's version. */
  urlFor(path: string): string {
    return VERSIONED_PATH.test(path) ? this.root + path : this.root + this.version + path;
  }
}

/** Accepts an http(s) URL without query, fragment or credentials; drops a trailing slash. */
function checkBaseUrl(value: string, what = 'base URL'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OvhInputError(`The ${what} is empty: choose an OVHcloud region or give an http(s) URL`);
  }
  // On the text, not the parsed URL: WHATWG reads a bare "?" or "#" as an empty query or
  // fragment, and every call would then go to the wrong path.
  if (/[?#]/.test(value)) throw new OvhInputError(`The ${what} must not hold a query or a fragment ("?" or "#")`);
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    throw new OvhInputError(`Unknown endpoint "${value}": use one of ${Object.keys(ENDPOINTS).join(', ')} or an http(s) URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new OvhInputError(`The ${what} must start with https:// or http://, not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) throw new OvhInputError(`The ${what} must not hold a user name or password`);
  return parsed.href.replace(/\/+$/, '');
}
