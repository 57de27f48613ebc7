/**
 * What changed between two reads of the same GET, for ovh-watch: in a list, the items added,
 * removed or (when items are objects) changed, each known by its id; in an object, each field
 * that changed, by its dotted path. Plain data in, plain data out: what is remembered between
 * checks is JSON a context store can keep. Every walk here is bounded: objects are walked field by
 * field at most MOST_NESTING levels down, and a value nested deeper is refused, not overflowed.
 */
import { MOST_NESTING, checkNesting, isPlainObject } from './client';

/** The fields that name an item in OVHcloud's lists, in the order they are tried. */
export const ID_FIELDS = ['id', 'taskId', 'billId', 'serviceName', 'name', 'domain', 'ip', 'ruleId', 'orderId'];

/**
 * What a check remembers: the list's items with their ids, in the answer's order (an object
 * keyed by id would put numeric ids first, in numeric order), or the value.
 */
export type Items = Array<[id: string, item: unknown]>;
export type Seen = { kind: 'list'; items: Items } | { kind: 'value'; value: unknown };

export interface FieldChange {
  /** Dotted path of the field (`state`, `routedTo.serviceName`); empty for the whole value. */
  path: string;
  from: unknown;
  to: unknown;
}

export type Event =
  | { event: 'added'; id: string; item: unknown }
  | { event: 'removed'; id: string; item: unknown }
  | { event: 'changed'; id?: string; item: unknown; previous: unknown; changes: FieldChange[] };

/**
 * An item's id: the item itself when it is a string or a number (a /1.0 list of ids), else the
 * given field, else the first of ID_FIELDS it has, else its whole content.
 */
export function idOf(item: unknown, idField = ''): string {
  if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item);
  if (isPlainObject(item)) {
    const fields = idField ? [idField] : ID_FIELDS;
    for (const field of fields) {
      const value = item[field];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
    }
  }
  return stableJson(item);
}

/** What one read is, to remember: a list by ids (the last of equal ids wins), else the value. */
export function seenOf(answer: unknown, idField = ''): Seen {
  if (!Array.isArray(answer)) return { kind: 'value', value: answer };
  const items = new Map<string, unknown>();
  for (const item of answer as unknown[]) items.set(idOf(item, idField), item);
  return { kind: 'list', items: [...items] };
}

/** What a first check compares with: an empty list, or no value. */
export function nothingLike(seen: Seen): Seen {
  return seen.kind === 'list' ? { kind: 'list', items: [] } : { kind: 'value', value: undefined };
}

export interface CompareOptions {
  /** Send removed items too. */
  removed: boolean;
  /** Send the items of a list whose content changed. */
  changed: boolean;
  /** Only changes under these dotted paths count (`state`, `routedTo`); empty: any. */
  fields: string[];
}

/** The events between what was seen and what is now, in the answer's order (removed last). */
export function compare(before: Seen, now: Seen, options: CompareOptions): Event[] {
  if (before.kind !== now.kind)
    return now.kind === 'list' ? listEvents([], now.items, options) : valueEvents(undefined, now.value, options);
  if (before.kind === 'list' && now.kind === 'list') return listEvents(before.items, now.items, options);
  return before.kind === 'value' && now.kind === 'value' ? valueEvents(before.value, now.value, options) : [];
}

function listEvents(beforeItems: Items, nowItems: Items, options: CompareOptions): Event[] {
  const before = new Map(beforeItems);
  const now = new Map(nowItems);
  const events: Event[] = [];
  for (const [id, item] of now) {
    if (!before.has(id)) {
      events.push({ event: 'added', id, item });
      continue;
    }
    if (!options.changed) continue;
    const changes = fieldChanges(before.get(id), item, options.fields);
    if (changes.length > 0) events.push({ event: 'changed', id, item, previous: before.get(id), changes });
  }
  if (options.removed) {
    for (const [id, item] of before) if (!now.has(id)) events.push({ event: 'removed', id, item });
  }
  return events;
}

function valueEvents(before: unknown, now: unknown, options: CompareOptions): Event[] {
  const changes = fieldChanges(before, now, options.fields);
  return changes.length > 0 ? [{ event: 'changed', item: now, previous: before, changes }] : [];
}

/**
 * The fields that differ, by dotted path: objects are walked, anything else (lists included) is
 * compared whole, and so is what lies deeper than MOST_NESTING levels. With `fields`, only the
 * changes at or under those paths.
 */
export function fieldChanges(before: unknown, now: unknown, fields: string[] = [], at = '', level = 0): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(now) && level < MOST_NESTING) {
    const changes: FieldChange[] = [];
    const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
    for (const key of keys) {
      changes.push(...fieldChanges(before[key], now[key], fields, at ? `${at}.${key}` : key, level + 1));
    }
    return changes;
  }
  if (stableJson(before) === stableJson(now)) return [];
  const counted =
    fields.length === 0 || fields.some((f) => at === f || at.startsWith(f + '.') || f.startsWith(at === '' ? '' : at + '.'));
  return counted ? [{ path: at, from: before, to: now }] : [];
}

/**
 * JSON with object keys sorted, so two reads of the same content compare equal. A value nested
 * deeper than MOST_NESTING levels is refused (JSON.stringify would overflow the stack).
 */
export function stableJson(value: unknown): string {
  checkNesting(value, 'A value to compare');
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      isPlainObject(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, v[k]]),
          )
        : v,
    ) ?? 'undefined'
  );
}
