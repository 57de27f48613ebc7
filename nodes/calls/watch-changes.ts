/**
 * What changed between two reads of the same GET, for ovh-watch: in a list, the items added,
 * removed or (when items are objects) changed, each known by its id; in an object, each field
 * that changed, by its dotted path. Plain data in, plain data out: what is remembered between
 * checks is JSON a context store can keep. Every walk here is bounded: objects are walked field by
 * field at most MOST_NESTING levels down, and a value nested deeper is refused, not overflowed.
 */
import { MOST_NESTING, appendAll, checkNesting, isPlainObject, nestedTooDeep } from '../client';
import { WorkDeadline, finish, type Work } from '../client/work';

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

/** No bound and no pause: the deadline of the forms that work at once. */
const AT_ONCE = new WorkDeadline();

/** What one read is, to remember: a list by ids (the last of equal ids wins), else the value. */
export function seenOf(answer: unknown, idField = ''): Seen {
  return finish(seenOfWork(answer, idField, AT_ONCE));
}

/** seenOf, as work that may pause between items. */
export function* seenOfWork(answer: unknown, idField: string, deadline: WorkDeadline): Work<Seen> {
  if (!Array.isArray(answer)) return { kind: 'value', value: answer };
  const byId = new Map<string, unknown>();
  for (const item of answer as unknown[]) {
    if (pause(deadline)) yield;
    byId.set(idOf(item, idField), item);
  }
  const items: Items = [];
  for (const pair of byId) {
    if (pause(deadline)) yield;
    items.push(pair);
  }
  return { kind: 'list', items };
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
  return finish(compareWork(before, now, options, AT_ONCE));
}

/** compare, as work that may pause between the items of a list. */
export function* compareWork(before: Seen, now: Seen, options: CompareOptions, deadline: WorkDeadline): Work<Event[]> {
  if (before.kind !== now.kind)
    return now.kind === 'list' ? yield* listEvents([], now.items, options, deadline) : valueEvents(undefined, now.value, options);
  if (before.kind === 'list' && now.kind === 'list') return yield* listEvents(before.items, now.items, options, deadline);
  return before.kind === 'value' && now.kind === 'value' ? valueEvents(before.value, now.value, options) : [];
}

function* listEvents(beforeItems: Items, nowItems: Items, options: CompareOptions, deadline: WorkDeadline): Work<Event[]> {
  const before = yield* mapOf(beforeItems, deadline);
  const now = yield* mapOf(nowItems, deadline);
  const events: Event[] = [];
  for (const [id, item] of now) {
    if (pause(deadline)) yield;
    if (!before.has(id)) {
      events.push({ event: 'added', id, item });
      continue;
    }
    if (!options.changed) continue;
    const previous = before.get(id);
    // Most items of a list are as they were: their fields are named only when they differ.
    if (sameFields(previous, item, deadline)) continue;
    const changes = fieldChanges(previous, item, options.fields);
    if (changes.length > 0) events.push({ event: 'changed', id, item, previous, changes });
  }
  if (options.removed) {
    for (const [id, item] of before) {
      if (pause(deadline)) yield;
      if (!now.has(id)) events.push({ event: 'removed', id, item });
    }
  }
  return events;
}

/** The pairs of a list by id (the last of equal ids wins, where the first came). */
function* mapOf(items: Items, deadline: WorkDeadline): Work<Map<string, unknown>> {
  const byId = new Map<string, unknown>();
  for (const [id, item] of items) {
    if (pause(deadline)) yield;
    byId.set(id, item);
  }
  return byId;
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
      appendAll(changes, fieldChanges(before[key], now[key], fields, at ? `${at}.${key}` : key, level + 1));
    }
    return changes;
  }
  if (sameWhole(before, now)) return [];
  const counted =
    fields.length === 0 || fields.some((f) => at === f || at.startsWith(f + '.') || f.startsWith(at === '' ? '' : at + '.'));
  return counted ? [{ path: at, from: before, to: now }] : [];
}

/**
 * Whether fieldChanges would find no change, told without building any text: plain objects
 * walked as fieldChanges walks them (the union of their keys, down to MOST_NESTING levels),
 * what lies there compared as JSON. False where that cannot be told so (see sameJson): then
 * fieldChanges, which the caller runs next, tells.
 */
function sameFields(before: unknown, now: unknown, deadline: WorkDeadline, level = 0): boolean {
  deadline.spend();
  if (isPlainObject(before) && isPlainObject(now) && level < MOST_NESTING) {
    for (const key of Object.keys(before)) {
      if (!sameFields(before[key], now[key], deadline, level + 1)) return false;
    }
    for (const key of Object.keys(now)) {
      if (!isOwnField(before, key) && !sameFields(before[key], now[key], deadline, level + 1)) return false;
    }
    return true;
  }
  try {
    return sameJson(before, now, 1, deadline);
  } catch (err) {
    if (err === UNDECIDED) return false;
    throw err;
  }
}

/**
 * Whether two values are the same as JSON, exactly as `stableJson(before) === stableJson(now)`
 * (which it falls back on, so its errors, TOO_DEEP included, are the same), but without building
 * the text of two equal values: only values that differ, or that sameJson cannot tell, are written.
 */
function sameWhole(before: unknown, now: unknown): boolean {
  try {
    if (sameJson(before, now, 1, AT_ONCE)) return true;
  } catch (err) {
    if (err !== UNDECIDED) throw err;
  }
  return stableJson(before) === stableJson(now);
}

/** Thrown by sameJson where it cannot tell (what JSON writes its own way, or nests too deep). */
const UNDECIDED = Symbol('undecided');

/**
 * A structural deep-equal as JSON sees values: plain objects by their key sets and values (key
 * order ignored, fields that JSON drops ignored), lists element by element, numbers and strings
 * by what JSON writes of them (-0 as 0, NaN and Infinity as null). Walked at most MOST_NESTING
 * levels down (`depth` counts the levels, as checkNesting does). Throws UNDECIDED where it would
 * have to guess: a value nested deeper, a BigInt, or an object JSON writes its own way (a Date, a
 * Buffer, a class instance, anything with toJSON), none of which a JSON answer holds.
 */
function sameJson(a: unknown, b: unknown, depth: number, deadline: WorkDeadline): boolean {
  deadline.spend();
  const aIsObject = typeof a === 'object' && a !== null;
  const bIsObject = typeof b === 'object' && b !== null;
  if (!aIsObject && !bIsObject) return jsonPrimitive(a) === jsonPrimitive(b);
  if (!aIsObject || !bIsObject) {
    // An object and a value: never the same text, unless the object writes itself its own way.
    if (!isJsonShaped((aIsObject ? a : b) as object)) throw UNDECIDED;
    jsonPrimitive(aIsObject ? b : a);
    return false;
  }
  if (!isJsonShaped(a) || !isJsonShaped(b) || depth > MOST_NESTING) throw UNDECIDED;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!sameJson(inList(a[i]), inList(b[i]), depth + 1, deadline)) return false;
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // Every field JSON writes of x is written of y, the same; and y has no more of them.
  let fields = 0;
  for (const key of Object.keys(x)) {
    if (dropped(x[key])) continue;
    fields++;
    if (!isOwnField(y, key) || dropped(y[key]) || !sameJson(x[key], y[key], depth + 1, deadline)) return false;
  }
  for (const key of Object.keys(y)) if (!dropped(y[key])) fields--;
  return fields === 0;
}

/** A list or a plain object JSON writes field by field: no toJSON of its own. */
function isJsonShaped(value: object): boolean {
  return (Array.isArray(value) || isPlainObject(value)) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** What JSON leaves out of an object (and writes as null in a list, as `undefined` alone). */
function dropped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

const ABSENT = Symbol('absent');

/** What JSON writes of a value that is not an object, as a value `===` compares. */
function jsonPrimitive(value: unknown): unknown {
  if (
    typeof value === 'bigint' ||
    (typeof value === 'function' && typeof (value as { toJSON?: unknown }).toJSON === 'function')
  ) {
    throw UNDECIDED;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return dropped(value) ? ABSENT : value;
}

/** An element of a list as JSON writes it: what JSON leaves out of an object is null in a list. */
function inList(value: unknown): unknown {
  return dropped(value) ? null : value;
}

/** Whether a field is one Object.keys lists: its own, enumerable. */
function isOwnField(object: object, key: string): boolean {
  return Object.prototype.propertyIsEnumerable.call(object, key);
}

/**
 * Refuses an answer nested deeper than MOST_NESTING levels, as `checkNesting(answer, what)` does
 * (with its error), a list item by item, pausing between items.
 */
export function* checkAnswerNesting(answer: unknown, what: string, deadline: WorkDeadline): Work<void> {
  if (!Array.isArray(answer)) return checkNesting(answer, what);
  for (const item of answer as unknown[]) {
    if (pause(deadline)) yield;
    // An item sits one level down in the list.
    if (nestedTooDeep(item, MOST_NESTING - 1)) checkNesting(answer, what);
  }
}

/**
 * What a watch keeps of a read: a copy through JSON (what a context store keeps, and nothing a
 * msg shares), a list item by item, pausing between items. Refused past MOST_NESTING levels
 * rather than overflowing the stack.
 */
export function* keptCopy(seen: Seen, deadline: WorkDeadline): Work<Seen> {
  if (seen.kind === 'value') return jsonCopy(seen, KEPT);
  const items: Items = [];
  for (const [id, item] of seen.items) {
    if (pause(deadline)) yield;
    // An item sits three levels down in what is kept (the seen, its items, the pair): as deep as the whole may be.
    if (nestedTooDeep(item, MOST_NESTING - 3)) checkNesting(seen, KEPT);
    items.push([id, jsonCopy(item)]);
  }
  return { kind: 'list', items };
}

const KEPT = 'What the watch keeps';

/** A copy through JSON (`undefined` as null, as in a list). With `what`, refused past MOST_NESTING levels first. */
function jsonCopy<T>(value: T, what?: string): T {
  if (what) checkNesting(value, what);
  return JSON.parse(JSON.stringify(value) ?? 'null') as T;
}

/** Whether the work should pause here: one step spent, and the slice is over. */
function pause(deadline: WorkDeadline): boolean {
  deadline.spend();
  return deadline.sliceOver;
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
