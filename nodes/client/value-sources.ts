/**
 * Where the values of an operation's fields come from, read from the API's description of
 * itself: `{id}` in `/domain/zone/{zoneName}/record/{id}` takes the ids that
 * `GET /domain/zone/{zoneName}/record` lists, each read by `GET .../record/{id}` to be labelled
 * with what names it (`subDomain`, `fieldType`, `target`); the body field `flavorId` of
 * `POST /cloud/project/{serviceName}/instance` takes the `id` of the objects that
 * `GET /cloud/project/{serviceName}/flavor` lists, labelled `name · region · ram`. No table made
 * by hand: a field named like a list beside or above the operation (`flavorId` -> `flavor`,
 * `sshKeyId` -> `sshkey`, `region` -> `region`) takes that list's values. Pure: no I/O.
 */
import type { Operation, OperationParameter } from './catalogue';

/** Where one field's values come from, and how each value is shown. */
export interface ValueSource {
  /** The GET that lists the values, as the API writes it: `/cloud/project/{serviceName}/flavor`. */
  list: string;
  /** The property of each listed object that is the value (`id`); none: the items are the values. */
  valueProperty?: string;
  /** For a list of bare values, the GET that reads one of them (`.../record/{id}`), to label it. */
  item?: string;
  /** The properties that name a value, best first, each with the unit the API gives it. */
  labels: LabelPart[];
  /** Query parameters of the list that other fields of the operation fill (a region narrows flavors). */
  narrowedBy: string[];
  /**
   * What a value names, in words, where the item read says (its IAM action's resource):
   * `public cloud project` for `{serviceName}` of `/cloud/project/{serviceName}`, where the API
   * describes every `serviceName` as "Service name".
   */
  what?: string;
}

export interface LabelPart {
  property: string;
  /** `GiB` for a `ram` the API describes as "Ram quantity (Gio)". */
  unit?: string;
}

/** The sources of one operation's fields, by field name: only fields that have one. */
export type OperationSources = Record<string, ValueSource>;

/** Names other fields of an operation hold. */
interface NameSet {
  has(name: string): boolean;
}

/** The fields of one operation weighed for a source: more than any real operation has (about 40). */
const MOST_FIELDS = 300;
/** The last words of a field's stem tried as a list name (`secondaryDatacenter`: two). */
const MOST_STEM_WORDS = 4;

/** How many parts a label shows (`b2-7 · GRA11 · 7 GiB`). */
const MOST_LABEL_PARTS = 3;

/**
 * Properties that name an item, the most telling first. A model's own order says nothing (they
 * are sorted by name), so the choice is by name: what people call a thing, then where it is and
 * what it is.
 */
const NAMING_PROPERTIES = [
  'displayName',
  'name',
  'label',
  'title',
  'subDomain',
  'fieldType',
  'target',
  'description',
  'region',
  'ram',
  'size',
  'ip',
  'type',
  'status',
  'serviceName',
];

/** Types whose values a label can show as they are. */
const SHOWN_TYPES = /^(string|long|int|integer|double|float|number|boolean|ip|ipv4|ipv6|ipBlock|date|datetime|text)$/;

/** The API's units, in parentheses at the end of a description, as an English reader writes them. */
const UNITS: Record<string, string> = { Gio: 'GiB', Go: 'GB', Mio: 'MiB', Mo: 'MB', GB: 'GB', GiB: 'GiB', MB: 'MB', MiB: 'MiB' };

/** A field name's list, and what of the listed objects the value is. */
interface FieldStem {
  stem: string;
  valueProperty?: string;
}

/**
 * The fields whose name says they take something listed elsewhere: `flavorId`, `imageIds`,
 * `sshKeyName`, and a few names that are their own list (`region`, `zone`, `datacenter`).
 */
function stemOf(name: string): FieldStem | undefined {
  const match = /^(.+?)(Id|ID|Ids|IDs|Name|Names)$/.exec(name);
  if (match && FREE_TEXT_STEMS.has(match[1].toLowerCase())) return undefined;
  if (match) return { stem: match[1], valueProperty: /^Name/.test(match[2]) ? 'name' : 'id' };
  if (LISTED_NAMES.has(name)) return { stem: name };
  return undefined;
}
/** `displayName`, `firstName`: names a person writes, not ones listed elsewhere. */
const FREE_TEXT_STEMS = new Set([
  'display',
  'first',
  'last',
  'street',
  'city',
  'company',
  'legal',
  'nick',
  'full',
  'given',
  'family',
  'birth',
]);
const LISTED_NAMES = new Set(['region', 'zone', 'datacenter', 'flavor', 'image', 'network', 'vrack', 'domain', 'ip']);

/**
 * The list names a stem may be written as: `sshKey` -> `sshKey`, `sshkey`, `sshKeys`, `sshkeys`;
 * then its last words, for a stem that says which one (`shippingContact` -> `contact`,
 * `secondaryDatacenter` -> `datacenter`).
 */
function listNames(stem: string): string[] {
  const names: string[] = [];
  const words = stem.split(/(?=[A-Z])/);
  const tails = [stem, ...words.slice(-MOST_STEM_WORDS).map((_word, i, last) => last.slice(i).join(''))];
  for (const tail of tails) {
    const name = tail.charAt(0).toLowerCase() + tail.slice(1);
    const lower = name.toLowerCase();
    names.push(name, lower, name + 's', lower + 's');
  }
  return [...new Set(names)];
}

/** The item type of a list's answer (`cloud.flavor.Flavor[]` -> `cloud.flavor.Flavor`), or none. */
function itemType(operation: Operation): string | undefined {
  const type = operation.responseType ?? '';
  return type.endsWith('[]') ? type.slice(0, -2) : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function propertiesOf(models: Record<string, unknown>, type: string): Record<string, unknown> {
  return record(record(models[type]).properties);
}

/** What names an object of a model: up to three of its shown properties, the most telling first. */
export function labelParts(models: Record<string, unknown>, type: string, valueProperty?: string): LabelPart[] {
  const properties = propertiesOf(models, type);
  const parts: LabelPart[] = [];
  for (const name of NAMING_PROPERTIES) {
    if (parts.length >= MOST_LABEL_PARTS) break;
    if (name === valueProperty || !Object.prototype.hasOwnProperty.call(properties, name)) continue;
    const property = record(properties[name]);
    const fullType = String(property.fullType ?? property.type ?? '');
    // An enum (`domain.zone.RecordTypeEnum`) is shown as its value; another model is not.
    const isEnum = Array.isArray(record(models[fullType]).enum);
    if (!SHOWN_TYPES.test(fullType) && !isEnum) continue;
    const unit = /\((\w+)\)\s*$/.exec(String(property.description ?? ''))?.[1];
    parts.push(unit && UNITS[unit] ? { property: name, unit: UNITS[unit] } : { property: name });
  }
  return parts;
}

/**
 * An index of a family's GET operations by path, built once per family: every source looks up
 * lists and items in it rather than scanning the operations again.
 */
export class ListIndex {
  private readonly gets = new Map<string, Operation>();
  /** For a list's path, its item read (`/a/{x}` for `/a`), whatever the placeholder's name. */
  private readonly items = new Map<string, Operation>();
  /**
   * Sources already made, by what makes them: every operation under `/domain/zone/{zoneName}`
   * shares one source for `zoneName`, one object whatever the number of operations (a structured
   * clone from the worker keeps it one).
   */
  readonly made = new Map<string, ValueSource | undefined>();

  constructor(operations: readonly Operation[]) {
    for (const operation of operations) {
      if (operation.method !== 'GET') continue;
      this.gets.set(operation.path, operation);
      const item = /^(.*)\/\{[^/{}]+\}$/.exec(operation.path);
      if (item && !this.items.has(item[1])) this.items.set(item[1], operation);
    }
  }

  get(path: string): Operation | undefined {
    return this.gets.get(path);
  }

  itemOf(listPath: string): Operation | undefined {
    return this.items.get(listPath);
  }
}

/**
 * The source of a list's values: the list's objects (the value their `valueProperty`, labelled by
 * the others), or its bare values labelled by the item each names.
 */
function sourceFromList(
  list: Operation,
  index: ListIndex,
  models: Record<string, unknown>,
  valueProperty: string | undefined,
  otherFields: NameSet,
): ValueSource | undefined {
  const type = itemType(list);
  if (!type) return undefined;
  const narrowedBy = list.parameters
    .filter((p) => p.in === 'query' && otherFields.has(p.name))
    .map((p) => p.name)
    .sort();
  const key = `${list.path} ${valueProperty ?? ''} ${narrowedBy.join(',')}`;
  if (index.made.has(key)) return index.made.get(key);
  const source = newSource(list, type, index, models, valueProperty, narrowedBy);
  // Remembered even when there is none: the same list is not weighed again.
  index.made.set(key, source);
  return source;
}

function newSource(
  list: Operation,
  type: string,
  index: ListIndex,
  models: Record<string, unknown>,
  valueProperty: string | undefined,
  narrowedBy: string[],
): ValueSource | undefined {
  const properties = propertiesOf(models, type);
  if (Object.keys(properties).length > 0) {
    // A list of objects: the value is one of their properties.
    const property = valueProperty && Object.prototype.hasOwnProperty.call(properties, valueProperty) ? valueProperty : undefined;
    if (!property) return undefined;
    return { list: list.path, valueProperty: property, labels: labelParts(models, type, property), narrowedBy };
  }
  // A list of bare values (ids, names): labelled by reading the item each names, where one is read.
  const item = index.itemOf(list.path);
  const itemModel = item?.responseType;
  const labels = item && itemModel ? labelParts(models, itemModel) : [];
  const what = item ? resourceWords(item.iamActions[0]) : undefined;
  const source: ValueSource =
    labels.length > 0 && item
      ? { list: list.path, item: item.path, labels, narrowedBy }
      : { list: list.path, labels: [], narrowedBy };
  if (what) source.what = what;
  return source;
}

/**
 * What an item read's IAM action names, in words: `publicCloudProject:apiovh:get` is a public
 * cloud project; `dnsZone:apiovh:record/get` a record.
 */
function resourceWords(action: string | undefined): string | undefined {
  const match = /^([A-Za-z0-9]+):apiovh:(?:(?:[A-Za-z0-9]+\/)*([A-Za-z0-9]+)\/)?get$/.exec(action ?? '');
  if (!match) return undefined;
  const name = match[2] ?? match[1];
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

/** The parameters and body fields of an operation, by name and place. */
function fieldsOf(operation: Operation, models: Record<string, unknown>): { name: string; in: OperationParameter['in'] }[] {
  const fields: { name: string; in: OperationParameter['in'] }[] = [];
  for (const p of operation.parameters) {
    if (p.in === 'header') continue;
    if (p.in === 'body' && p.name === '') {
      for (const name of Object.keys(propertiesOf(models, p.type))) fields.push({ name, in: 'body' });
    } else fields.push({ name: p.name, in: p.in });
  }
  return fields;
}

/**
 * The sources of an operation's fields: each path placeholder that follows a list (the path up to
 * it), and each query or body field named like a list beside or above the operation (the nearest
 * first: `/cloud/project/{serviceName}/flavor` before `/cloud/flavor`).
 */
export function operationSources(operation: Operation, index: ListIndex, models: Record<string, unknown>): OperationSources {
  const sources: OperationSources = {};
  // A description's models may hold thousands of fields: only so many are weighed, and the
  // names a field's list may be narrowed by are gathered once, not once a field.
  const fields = fieldsOf(operation, models).slice(0, MOST_FIELDS);
  const segments = operation.path.split('?')[0].split('/');
  const everyName = new Set(fields.map((f) => f.name));
  const queryNames = new Set(fields.filter((f) => f.in === 'query').map((f) => f.name));
  for (const field of fields) {
    // What the user gives beside this field may narrow its list: a region the flavors of a new
    // instance. Not for a path placeholder: `subDomain` in the body of `PUT .../record/{id}` is
    // the value to write, not a filter of the records.
    const names = field.in === 'path' ? queryNames : everyName;
    const others: NameSet = { has: (name) => name !== field.name && names.has(name) };
    if (field.in === 'path') {
      const at = segments.indexOf(`{${field.name}}`);
      if (at <= 1) continue;
      const list = index.get(segments.slice(0, at).join('/'));
      const source = list && sourceFromList(list, index, models, stemOf(field.name)?.valueProperty ?? 'id', others);
      if (source) sources[field.name] = source;
      continue;
    }
    const stem = stemOf(field.name);
    if (!stem) continue;
    for (let end = segments.length; end >= 2 && !sources[field.name]; end--) {
      const prefix = segments.slice(0, end).join('/');
      for (const name of listNames(stem.stem)) {
        const list = index.get(`${prefix}/${name}`);
        const source = list && sourceFromList(list, index, models, stem.valueProperty, others);
        if (source) {
          sources[field.name] = source;
          break;
        }
      }
    }
  }
  return sources;
}

/** The label of one value from the object that holds it: `b2-7 · GRA11 · 7 GiB`. */
export function labelOf(item: unknown, parts: readonly LabelPart[]): string {
  const object = record(item);
  const shown: string[] = [];
  for (const part of parts) {
    const value = object[part.property];
    if (value === undefined || value === null || value === '' || typeof value === 'object') continue;
    const text = String(value).slice(0, 80);
    shown.push(part.unit ? `${text} ${part.unit}` : text);
  }
  return shown.join(' · ');
}

/** Whether a field's name says it takes an id or a name from elsewhere (what a picker should serve). */
export function isIdLikeField(name: string, place: OperationParameter['in']): boolean {
  return place === 'path' || stemOf(name) !== undefined;
}

/** How many id-like fields of these operations have a source, by place: what the README reports. */
export function sourceCoverage(
  operations: readonly Operation[],
  models: Record<string, unknown>,
): { path: { fields: number; sourced: number }; other: { fields: number; sourced: number } } {
  const index = new ListIndex(operations);
  const coverage = { path: { fields: 0, sourced: 0 }, other: { fields: 0, sourced: 0 } };
  for (const operation of operations) {
    const sources = operationSources(operation, index, models);
    for (const field of fieldsOf(operation, models)) {
      if (!isIdLikeField(field.name, field.in)) continue;
      const counted = field.in === 'path' ? coverage.path : coverage.other;
      counted.fields++;
      if (sources[field.name]) counted.sourced++;
    }
  }
  return coverage;
}
