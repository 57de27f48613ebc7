/** Consumer keys: the access rules a key asks for, and the answer of POST /auth/credential. */
import { OvhError, OvhInputError } from './errors';
import { METHODS, describe, isPlainObject, type HttpMethod } from './request';

export interface AccessRule {
  method: HttpMethod;
  path: string;
}

/** The official clients' presets, plus `full` (every method on every path). */
export const PRESETS = {
  'read-only': ['GET'],
  'read-write': ['GET', 'POST', 'PUT', 'DELETE'],
  'read-write-safe': ['GET', 'POST', 'PUT'],
  full: ['GET', 'POST', 'PUT', 'DELETE'],
} as const satisfies Record<string, readonly HttpMethod[]>;

export type PresetName = keyof typeof PRESETS;

/**
 * Rules for a preset over some paths. With `recursive`, a path like `/sms` also grants
 * everything below it (`/sms` and `/sms/*`); `full` always grants `/*`.
 */
export function accessRules(
  preset: PresetName,
  paths: readonly string[] = ['/*'],
  options: { recursive?: boolean } = {},
): AccessRule[] {
  const methods = PRESETS[preset];
  if (!methods) throw new OvhInputError(`Unknown preset "${preset}": use one of ${Object.keys(PRESETS).join(', ')}`);
  const targets = preset === 'full' ? ['/*'] : paths;
  return withRecursion(
    methods.flatMap((method) => targets.map((path) => ({ method, path }))),
    options.recursive === true,
  );
}

/** Rules as given, or (recursive) each path also granting everything below it; no rule twice. */
export function withRecursion(rules: readonly AccessRule[], recursive: boolean): AccessRule[] {
  const expanded = recursive
    ? rules.flatMap((rule) => recursivePaths(rule.path).map((path) => ({ method: rule.method, path })))
    : [...rules];
  return dedupeRules(expanded);
}

/** `/sms` or `/sms/*` -> `/sms` and `/sms/*`; `/*` stays `/*`. */
export function recursivePaths(path: string): string[] {
  const stem = path.replace(/\/\*$/, '').replace(/\/+$/, '');
  return stem === '' ? ['/*'] : [stem, stem + '/*'];
}

function dedupeRules(rules: AccessRule[]): AccessRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const key = rule.method + ' ' + rule.path;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Checks rules given by a person or a flow, and writes them as the API wants them. */
export function checkAccessRules(rules: unknown): AccessRule[] {
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new OvhInputError('Give at least one access rule, e.g. {"method":"GET","path":"/me"}');
  }
  return rules.map((rule, index) => {
    if (!isPlainObject(rule)) throw new OvhInputError(`Access rule ${index + 1} must be an object, not ${describe(rule)}`);
    const method = typeof rule.method === 'string' ? rule.method.trim().toUpperCase() : rule.method;
    if (!(METHODS as readonly unknown[]).includes(method)) {
      throw new OvhInputError(`Access rule ${index + 1} has method ${describe(rule.method)}: use one of ${METHODS.join(', ')}`);
    }
    const path = typeof rule.path === 'string' ? rule.path.trim() : rule.path;
    if (typeof path !== 'string' || !path.startsWith('/') || /[\s\u0000-\u001f]/.test(path)) {
      throw new OvhInputError(`Access rule ${index + 1} has path ${describe(rule.path)}: give a path like /me or /domain/*`);
    }
    return { method: method as HttpMethod, path };
  });
}

export interface ConsumerKeyRequest {
  accessRules: AccessRule[];
  /** Where the validation page sends the person afterwards. */
  redirection?: string;
  /** IP blocks the key will be usable from, e.g. `203.0.113.0/24`. */
  allowedIPs?: string[];
}

export interface ConsumerKeyAnswer {
  validationUrl: string;
  consumerKey: string;
  state: string;
}

export function consumerKeyBody(request: ConsumerKeyRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { accessRules: checkAccessRules(request.accessRules) };
  if (request.redirection !== undefined && request.redirection !== '') {
    let url: URL;
    try {
      url = new URL(request.redirection);
    } catch {
      throw new OvhInputError(`The redirection "${request.redirection}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new OvhInputError('The redirection must be an http(s) URL');
    }
    body.redirection = request.redirection;
  }
  if (request.allowedIPs !== undefined && request.allowedIPs.length > 0) {
    if (!request.allowedIPs.every((ip) => typeof ip === 'string' && /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(ip.trim()))) {
      throw new OvhInputError('Each allowed IP must be an address or block like 203.0.113.0/24');
    }
    body.allowedIPs = request.allowedIPs.map((ip) => ip.trim());
  }
  return body;
}

/** A consumer key as the API makes them: letters and digits (32 of them today). */
const CONSUMER_KEY = /^[A-Za-z0-9_-]{8,128}$/;

export function readConsumerKeyAnswer(body: unknown): ConsumerKeyAnswer {
  const record = isPlainObject(body) ? body : {};
  const { validationUrl, consumerKey, state } = record;
  // Checked, not passed through: this answer goes to the editor, and the URL may not be the API's.
  if (
    typeof validationUrl !== 'string' ||
    !/^https?:\/\/[^\s]{1,2000}$/.test(validationUrl) ||
    !CONSUMER_KEY.test(String(consumerKey))
  ) {
    throw new OvhError(
      'POST /auth/credential answered without a validation URL and consumer key: the URL does not answer like the OVHcloud API',
      'BAD_ANSWER',
    );
  }
  return {
    validationUrl,
    consumerKey: consumerKey as string,
    state: typeof state === 'string' && /^[A-Za-z]{1,40}$/.test(state) ? state : 'pendingValidation',
  };
}
