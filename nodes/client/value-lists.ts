/**
 * The values a field can take, read from the account's own API as its source says (see
 * value-sources.ts), each with the label that names it: `1002` is `home · A · 203.0.113.7`.
 * Bounded: at most `mostValues` values, `mostItemReads` items read one by one to label bare ids,
 * `itemConcurrency` at a time, none started after `deadlineMs`.
 */
import { OvhApiError, OvhInputError } from './errors';
import type { OvhClient } from './client';
import { labelOf, type LabelPart, type ValueSource } from './value-sources';

export interface ValueList {
  /** The list as called: `/domain/zone/example.com/record`. */
  listPath: string;
  values: Array<string | number>;
  /** One label a value, in the same order (empty where none), when the source labels them. */
  labels?: string[];
  /** Whether the list holds more than `values`. */
  more: boolean;
  /** Why the key may not read the list (a 403), when it may not. */
  refused?: string;
  /** Values left unlabelled: past the item reads' number or time. */
  unlabelled?: number;
}

export interface ValueListLimits {
  mostValues: number;
  mostItemReads: number;
  itemConcurrency: number;
  deadlineMs: number;
}

export const VALUE_LIST_LIMITS: ValueListLimits = { mostValues: 500, mostItemReads: 50, itemConcurrency: 6, deadlineMs: 8000 };

const PATH_TEMPLATE = /^\/[A-Za-z0-9_.\-/{}]{1,300}$/;
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const UNIT = /^[A-Za-z]{1,8}$/;

/**
 * A source as the dialog sends it back (it had it from the operation's description), checked:
 * paths that are templates, an item path under its list, property names that are names. What
 * is read with it is a GET of the account's own API, which a dialog allowed to Try may make.
 */
export function checkSource(raw: unknown): ValueSource {
  const source = isRecord(raw) ? raw : {};
  const list = source.list;
  if (typeof list !== 'string' || !PATH_TEMPLATE.test(list)) throw new OvhInputError('The list of values is not an API path');
  const checked: ValueSource = { list, labels: [], narrowedBy: [] };
  if (source.item !== undefined) {
    const item = source.item;
    if (typeof item !== 'string' || !PATH_TEMPLATE.test(item) || !new RegExp(`^${escape(list)}/\\{[A-Za-z0-9_]+\\}$`).test(item))
      throw new OvhInputError('The item of a list of values is not an API path under the list');
    checked.item = item;
  }
  if (source.valueProperty !== undefined) {
    if (typeof source.valueProperty !== 'string' || !PROPERTY.test(source.valueProperty))
      throw new OvhInputError('The value property of a list of values is not a name');
    checked.valueProperty = source.valueProperty;
  }
  const labels = Array.isArray(source.labels) ? source.labels.slice(0, 3) : [];
  for (const part of labels) {
    const property = isRecord(part) ? part.property : undefined;
    const unit = isRecord(part) ? part.unit : undefined;
    if (typeof property !== 'string' || !PROPERTY.test(property))
      throw new OvhInputError('A label of a list of values is not a name');
    if (unit !== undefined && (typeof unit !== 'string' || !UNIT.test(unit)))
      throw new OvhInputError('A label unit of a list of values is not a unit');
    checked.labels.push(unit === undefined ? { property } : { property, unit });
  }
  const narrowedBy = Array.isArray(source.narrowedBy) ? source.narrowedBy.slice(0, 10) : [];
  for (const name of narrowedBy) {
    if (typeof name !== 'string' || !PROPERTY.test(name)) throw new OvhInputError('A filter of a list of values is not a name');
    checked.narrowedBy.push(name);
  }
  return checked;
}

/**
 * The list's values, labelled: a list of objects labels each from itself; a list of bare ids
 * is asked for whole objects first (one call, as the control panel asks), else its first items
 * are read one by one. `chosen` fills the list's placeholders and the filters that narrow it.
 */
export async function readValueList(
  client: OvhClient,
  field: string,
  source: ValueSource,
  chosen: Record<string, string>,
  limits: ValueListLimits = VALUE_LIST_LIMITS,
  signal?: AbortSignal,
): Promise<ValueList> {
  const params = filled(source.list, field, chosen);
  const query: Record<string, string> = {};
  for (const name of source.narrowedBy) if (chosen[name]) query[name] = chosen[name];
  const asObjects = source.item !== undefined && source.labels.length > 0;
  const listPath = source.list.replace(/\{([^/{}]+)\}/g, (_whole, name: string) => encodeURIComponent(params[name]));
  try {
    const res = await client.request('GET', source.list, {
      params,
      query,
      retry: false,
      signal,
      headers: asObjects ? { 'X-Pagination-Mode': 'CachedObjectList-Pages', 'X-Pagination-Size': limits.mostValues } : undefined,
    });
    const items = Array.isArray(res.body) ? res.body : [];
    const total = Number(firstHeader(res.headers['x-pagination-elements']));
    const more = (Number.isInteger(total) ? total : items.length) > Math.min(items.length, limits.mostValues);
    const key = source.valueProperty ?? (source.item ? objectKey(items, source.item) : undefined);
    if (key) {
      const kept = items.filter((item) => isRecord(item) && isScalar(item[key])).slice(0, limits.mostValues) as Record<
        string,
        unknown
      >[];
      const values = kept.map((item) => item[key] as string | number);
      const labels = source.labels.length > 0 ? kept.map((item) => labelOf(item, source.labels)) : undefined;
      return { listPath, values, labels, more: more || kept.length < items.filter(isRecord).length };
    }
    const values = items.filter(isScalar).slice(0, limits.mostValues);
    if (!source.item || source.labels.length === 0) return { listPath, values, more };
    const { labels, unlabelled } = await labelByItem(client, source.item, source.labels, params, values, limits, signal);
    return { listPath, values, labels, more, unlabelled };
  } catch (err) {
    if (err instanceof OvhApiError && err.statusCode === 403) return { listPath, values: [], more: false, refused: err.message };
    throw err;
  }
}

/** The names of the values a source's list reads: its placeholders, then its filters. */
export function sourceInputs(source: ValueSource): string[] {
  return [...[...source.list.matchAll(/\{([^/{}]+)\}/g)].map((m) => m[1]), ...source.narrowedBy];
}

/** The list's placeholders, each from a value already chosen; refused, naming it, when one is not. */
function filled(list: string, field: string, chosen: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [, name] of list.matchAll(/\{([^/{}]+)\}/g)) {
    const value = chosen[name];
    if (value === undefined || value === '')
      throw new OvhInputError(`Choose {${name}} first: the values of ${field} depend on it`);
    params[name] = value;
  }
  return params;
}

/**
 * Which property of the objects a list answered is the value its item path takes: the
 * placeholder's own name, else `id`, `name` or `serviceName`, held by every object; none when
 * no property is (the list is then read as ids).
 */
function objectKey(items: unknown[], item: string): string | undefined {
  if (items.length === 0 || !items.every(isRecord)) return undefined;
  const placeholder = /\{([^/{}]+)\}$/.exec(item)?.[1];
  const candidates = [placeholder, 'id', 'name', 'serviceName'].filter((c): c is string => c !== undefined);
  return candidates.find((c) => (items as Record<string, unknown>[]).every((o) => isScalar(o[c])));
}

/** The first values' items read one by one (a few at a time, none started past the deadline), labelled. */
async function labelByItem(
  client: OvhClient,
  item: string,
  parts: readonly LabelPart[],
  params: Record<string, string>,
  values: Array<string | number>,
  limits: ValueListLimits,
  signal?: AbortSignal,
): Promise<{ labels: string[]; unlabelled: number }> {
  const labels = values.map(() => '');
  const placeholder = /\{([^/{}]+)\}$/.exec(item)?.[1] as string;
  const until = Date.now() + limits.deadlineMs;
  const read = Math.min(values.length, limits.mostItemReads);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < read && Date.now() < until && !signal?.aborted) {
      const index = next++;
      try {
        const res = await client.request('GET', item, {
          params: { ...params, [placeholder]: values[index] },
          retry: false,
          signal,
        });
        labels[index] = labelOf(res.body, parts);
      } catch {
        // An item that cannot be read stays unlabelled: its value is still a choice.
      }
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limits.itemConcurrency, read) }, worker));
  return { labels, unlabelled: values.length - done };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
