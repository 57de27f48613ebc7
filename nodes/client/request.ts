/**
 * Turns a call (method, path, placeholder values, query, body, headers) into the exact URL,
 * body and headers that go on the wire, or refuses it with an OvhInputError before anything
 * is sent. What is built here is what gets signed: nothing downstream may rewrite it.
 */
import { ApiBase } from './endpoints';
import { OvhInputError } from './errors';
import { MOST_NESTING, nestedTooDeep } from './depth';
import { EMPTY_PLACEHOLDER, PLACEHOLDER, clip, filledPathProblem, pathStartProblem } from './path-rule';
import { METHODS, type HttpMethod } from './methods';

export { pathTemplateError } from './path-rule';
export { METHODS, type HttpMethod } from './methods';

export type QueryValue = string | number | boolean | bigint | null | undefined;
export type Query = Record<string, QueryValue | readonly QueryValue[]>;

/** Accepts the four API methods in any letter case. */
export function normalizeMethod(method: unknown): HttpMethod {
  if (method === 'GET' || method === 'POST' || method === 'PUT' || method === 'DELETE') return method;
  if (typeof method === 'string') {
    const upper = method.trim().toUpperCase();
    if ((METHODS as readonly string[]).includes(upper)) return upper as HttpMethod;
  }
  throw new OvhInputError(`Unknown method ${describe(method)}: use one of ${METHODS.join(', ')}`);
}

/**
 * Builds the absolute URL of a call. Placeholders `{name}` are filled from `params`, each value
 * encoded as a single path segment; `query` is appended to any query already in the path.
 * The result is WHATWG-normalised: its `href` is exactly what undici sends and what is signed.
 */
export function buildUrl(base: ApiBase, path: unknown, params?: Record<string, unknown>, query?: unknown): URL {
  return new URL(urlText(base, path, params, query));
}

/** The URL text of a call, every check passed (see buildUrl); not yet WHATWG-normalised. */
export function urlText(base: ApiBase, path: unknown, params?: Record<string, unknown>, query?: unknown): string {
  if (typeof path !== 'string') throw new OvhInputError(`The path must be a string like /me, not ${describe(path)}`);
  const problem = pathStartProblem(path);
  if (problem) throw new OvhInputError(problem);

  const queryStart = path.indexOf('?');
  const pathPart = queryStart === -1 ? path : path.slice(0, queryStart);
  const pathQuery = queryStart === -1 ? '' : path.slice(queryStart + 1);

  const filled = fillPlaceholders(pathPart, params);
  const filledProblem = filledPathProblem(filled, pathPart, path);
  if (filledProblem) throw new OvhInputError(filledProblem);

  const extraQuery = encodeQuery(query);
  const fullQuery = [pathQuery, extraQuery].filter((part) => part !== '').join('&');
  return base.urlFor(filled) + (fullQuery ? '?' + fullQuery : '');
}

/**
 * The path of one item of a list: the list's path without its query string, plus one segment
 * `{placeholder}` (e.g. `/dedicated/server?x=1` -> `/dedicated/server/{id}`). A list's query
 * filters the list; an item takes none.
 */
export function itemPath(listPath: string, placeholder: string): string {
  const queryStart = listPath.indexOf('?');
  const path = queryStart === -1 ? listPath : listPath.slice(0, queryStart);
  return path.replace(/\/+$/, '') + `/{${placeholder}}`;
}

function fillPlaceholders(pathPart: string, params: Record<string, unknown> | undefined): string {
  const filled = pathPart.replace(PLACEHOLDER, (_whole, rawName: string) => {
    const name = rawName.trim();
    if (name === '') throw new OvhInputError(EMPTY_PLACEHOLDER);
    const value = params && Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
    if (value === undefined || value === null) {
      throw new OvhInputError(`The path placeholder {${name}} has no value: set it in msg.params.${name}`, {
        kind: 'missing-value',
        placeholder: name,
      });
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint') {
      throw new OvhInputError(`The value of path placeholder {${name}} must be a string or number, not ${describe(value)}`);
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new OvhInputError(`The value of path placeholder {${name}} is not a finite number`);
    }
    const text = String(value);
    if (text === '') throw new OvhInputError(`The value of path placeholder {${name}} is empty`);
    if (text === '.' || text === '..') throw new OvhInputError(`The value of path placeholder {${name}} cannot be "${text}"`);
    return encodeComponent(text, `path placeholder {${name}}`);
  });
  return filled;
}

/** `encodeURIComponent`-style query: booleans as true/false, null/undefined dropped, arrays as repeated keys. */
export function encodeQuery(query: unknown): string {
  if (query === undefined || query === null) return '';
  if (!isPlainObject(query)) {
    throw new OvhInputError(`The query must be an object of names and values, not ${describe(query)}`);
  }
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const encodedKey = encodeComponent(key, `query name "${key}"`);
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === undefined || item === null) continue;
      pairs.push(encodedKey + '=' + encodeComponent(queryValueText(key, item), `query value of "${key}"`));
    }
  }
  return pairs.join('&');
}

function queryValueText(key: string, value: unknown): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'number':
      if (!Number.isFinite(value)) throw new OvhInputError(`The query value of "${key}" is not a finite number`);
      return String(value);
    default:
      throw new OvhInputError(
        `The query value of "${key}" must be a string, number, boolean or a list of them, not ${describe(value)}`,
      );
  }
}

function encodeComponent(text: string, what: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    throw new OvhInputError(`The ${what} holds an unpaired UTF-16 surrogate and cannot be encoded`);
  }
}

const NON_ASCII = /[\u0080-\uffff]/g;
const HAS_NON_ASCII = /[\u0080-\uffff]/;

/**
 * The body as the official clients write it: compact JSON, every character from U+0080 up
 * escaped as \uXXXX (astral characters as surrogate pairs), so the bytes sent are plain ASCII.
 * `undefined` and `null` mean "no body". A body nested deeper than MOST_NESTING levels is refused.
 */
export function encodeBody(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  let json: string | undefined;
  try {
    // Refused before JSON.stringify walks it: no OVHcloud body nests that deep.
    if (nestedTooDeep(body)) {
      throw new OvhInputError(`The body cannot be written as JSON: it nests deeper than ${MOST_NESTING} levels, or holds itself`);
    }
    json = JSON.stringify(body);
  } catch (err) {
    if (err instanceof OvhInputError) throw err;
    throw new OvhInputError(`The body cannot be written as JSON: ${(err as Error).message}`);
  }
  if (json === undefined) throw new OvhInputError(`The body cannot be written as JSON: it is ${describe(body)}`);
  // Most bodies are plain ASCII: test before rewriting.
  if (!HAS_NON_ASCII.test(json)) return json;
  return json.replace(NON_ASCII, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Headers the client owns: a caller may not set them, or what is signed would not be what is sent. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Checks extra request headers, e.g. `X-Pagination-Size` for /v2 lists. */
export function checkHeaders(headers: unknown): Record<string, string> {
  if (headers === undefined || headers === null) return {};
  if (!isPlainObject(headers)) throw new OvhInputError(`The request headers must be an object, not ${describe(headers)}`);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new OvhInputError(`"${clip(name)}" is not a valid header name`);
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower) || lower.startsWith('x-ovh-')) {
      throw new OvhInputError(`The header ${name} is set by the client and cannot be given`);
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new OvhInputError(`The value of header ${name} must be a string or number, not ${describe(value)}`);
    }
    const text = String(value);
    if (/[\r\n\u0000]/.test(text)) throw new OvhInputError(`The value of header ${name} holds a line break`);
    if (/[^\u0009\u0020-\u007e\u0080-\u00ff]/.test(text)) {
      throw new OvhInputError(`The value of header ${name} holds characters that cannot be sent in a header`);
    }
    out[lower] = text;
  }
  return out;
}

/**
 * An object of names and values, from any realm: a Function node runs in its own `vm` context,
 * so its object literals (and its JSON.parse results) have another realm's Object.prototype.
 * Accepted: a prototype that is null, or whose own prototype is null (Object.prototype of some
 * realm). Refused: arrays, dates, buffers, maps, class instances.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A short description of a wrong value for an error message (never the value of a secret). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `"${clip(value)}"`;
    case 'object':
      // Tagged, not instanceof: a date made in a Function node belongs to another realm.
      return Object.prototype.toString.call(value) === '[object Date]' ? 'a date' : 'an object';
    case 'function':
      return 'a function';
    default:
      return typeof value === 'undefined' ? 'undefined' : `${typeof value} ${String(value)}`;
  }
}
