/**
 * An operation's parameters as an editor offers them (one field per path placeholder, query
 * parameter and body field), and the conversion of a value to the type the API's description
 * gives it. Pure: no Node-RED, no I/O.
 */
import { OvhInputError } from './errors';
import { MOST_NESTING } from './depth';
import { appendAll } from './arrays';
import type { Operation } from './catalogue';

export type FieldPlace = 'path' | 'query' | 'body';

/** One value an operation takes, where it goes, and what the API says of it. */
export interface ParameterField {
  name: string;
  in: FieldPlace;
  /** As the API writes it: `string`, `long`, `domain.zone.RecordTypeEnum`, `ip[]`... */
  type: string;
  required: boolean;
  description: string;
  /** The values an enum type allows. */
  enum?: string[];
}

const PLACE_ORDER: Record<FieldPlace, number> = { path: 0, query: 1, body: 2 };

/**
 * The fields of an operation, path placeholders first (in path order), then query parameters,
 * then the body's fields: the named body parameters, or the writable properties of the model
 * an unnamed body parameter stands for; required ones first in each place. Headers are left out
 * (the pagination modes set them).
 */
export function operationFields(operation: Operation, models: Record<string, unknown>): ParameterField[] {
  const fields: ParameterField[] = [];
  for (const p of operation.parameters) {
    if (p.in === 'header') continue;
    if (p.in === 'body' && p.name === '') {
      appendAll(fields, modelFields(p.type, models));
      continue;
    }
    fields.push(withEnum({ name: p.name, in: p.in, type: p.type, required: p.required, description: p.description }, models));
  }
  const pathOrder = (name: string) => operation.path.indexOf(`{${name}}`);
  return fields.sort(
    (a, b) =>
      PLACE_ORDER[a.in] - PLACE_ORDER[b.in] ||
      (a.in === 'path' ? pathOrder(a.name) - pathOrder(b.name) : Number(b.required) - Number(a.required)),
  );
}

/** The writable properties of a body model. */
function modelFields(type: string, models: Record<string, unknown>): ParameterField[] {
  const properties = record(record(models[type]).properties);
  const fields: ParameterField[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    const property = record(raw);
    if (property.readOnly === true) continue;
    const fieldType = text(property.fullType) || text(property.type);
    fields.push(
      withEnum(
        { name, in: 'body', type: fieldType, required: property.required === true, description: text(property.description) },
        models,
      ),
    );
  }
  return fields;
}

function withEnum(field: ParameterField, models: Record<string, unknown>): ParameterField {
  const values = record(models[field.type.replace(/\[\]$/, '')]).enum;
  if (Array.isArray(values)) field.enum = values.filter((v): v is string => typeof v === 'string');
  return field;
}

/**
 * What operationFields reads of a family's models for these operations, and nothing more: the
 * writable properties of the models their unnamed body parameters stand for, and the values of
 * the enums their parameters and those properties name. A family's models (hundreds of KB,
 * several MB for `/cloud`) mostly describe answers; this is what an editor keeps of them.
 */
export function modelsUsed(operations: readonly Operation[], models: Record<string, unknown>): Record<string, unknown> {
  // No prototype: a model named `__proto__` or `constructor` is a name like any other.
  const used: Record<string, Record<string, unknown>> = Object.create(null);
  const kept = (name: string) => (used[name] ??= Object.create(null) as Record<string, unknown>);
  const keepEnum = (type: string) => {
    const name = type.replace(/\[\]$/, '');
    const values = record(models[name]).enum;
    if (Array.isArray(values) && !kept(name).enum) kept(name).enum = values.filter((v): v is string => typeof v === 'string');
  };
  for (const operation of operations) {
    for (const p of operation.parameters) {
      if (p.in === 'header') continue;
      if (p.in !== 'body' || p.name !== '') {
        keepEnum(p.type);
        continue;
      }
      if (kept(p.type).properties) continue;
      const properties: Record<string, unknown> = Object.create(null);
      for (const [name, raw] of Object.entries(record(record(models[p.type]).properties))) {
        const property = record(raw);
        if (property.readOnly === true) continue;
        const type = text(property.fullType) || text(property.type);
        properties[name] = { type, required: property.required === true, description: text(property.description) };
        keepEnum(type);
      }
      kept(p.type).properties = properties;
    }
  }
  return used;
}

/** The API's primitive types, by what a value must become. */
const INTEGER = new Set(['long', 'int', 'integer']);
const DECIMAL = new Set(['double', 'float', 'number']);
const TEXT = new Set([
  'string',
  'password',
  'text',
  'ip',
  'ipv4',
  'ipv6',
  'ipBlock',
  'ipv4Block',
  'ipv6Block',
  'uuid',
  'date',
  'datetime',
  'time',
  'duration',
  'phoneNumber',
  'internationalPhoneNumber',
  'macAddress',
]);

/**
 * A value converted to the API's type for a parameter: a `long` from `"300"`, a `string` from
 * 42, a `datetime` from a Date, a list from one value. Types it does not know (models, maps,
 * enums) keep the value as given. Throws OvhInputError naming the parameter when the value
 * cannot be that type.
 */
export function toSchemaType(value: unknown, type: string, name: string): unknown {
  let lists = 0;
  while (type.endsWith('[]', type.length - 2 * lists)) lists++;
  // A type comes from a flow file, which may hold anything: each level of lists is a level of recursion.
  if (lists > MOST_NESTING)
    throw new OvhInputError(`Parameter "${name}": its type nests lists deeper than ${MOST_NESTING} levels`);
  return lists > 0 ? toListOf(value, type.slice(0, type.length - 2 * lists), lists, name) : toOneValue(value, type, name);
}

/** A value as `lists` levels of lists of a type: one value where a list is wanted becomes a list of it. */
function toListOf(value: unknown, type: string, lists: number, name: string): unknown {
  if (lists === 0) return toOneValue(value, type, name);
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => toListOf(item, type, lists - 1, `${name}[${i}]`));
}

function toOneValue(value: unknown, type: string, name: string): unknown {
  // `coreTypes.ServiceId:long` is a long under another name.
  const base = type.includes(':') ? type.slice(type.lastIndexOf(':') + 1) : type;
  if (value === null) return null;
  if (INTEGER.has(base)) return toNumber(value, name, type, true);
  if (DECIMAL.has(base)) return toNumber(value, name, type, false);
  if (base === 'boolean') return toBoolean(value, name, type);
  if (TEXT.has(base)) return toText(value, name, type, base);
  return asJson(value, name, type);
}

/** A value of a type this module does not know (a model, a map, an enum): kept, if JSON can hold it. */
function asJson(value: unknown, name: string, type: string): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') throw refusal(name, 'a value JSON can hold', type, value);
  if (typeof value === 'number' && !Number.isFinite(value)) throw refusal(name, 'a finite number', type, value);
  if (isDate(value) && Number.isNaN(dateTime(value))) throw refusal(name, 'a valid date', type, value);
  return value;
}

function toNumber(value: unknown, name: string, type: string, whole: boolean): number {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    const s = value.trim();
    const shape = whole ? /^[-+]?\d+$/ : /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
    if (shape.test(s)) n = Number(s);
  }
  if (n === undefined || !Number.isFinite(n) || (whole && !Number.isSafeInteger(n))) {
    throw refusal(name, whole ? 'a whole number' : 'a number', type, value);
  }
  return n;
}

function toBoolean(value: unknown, name: string, type: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw refusal(name, 'true or false', type, value);
}

function toText(value: unknown, name: string, type: string, base: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (isDate(value)) {
    const time = dateTime(value);
    if (!Number.isNaN(time)) {
      const iso = new Date(time).toISOString();
      return base === 'date' ? iso.slice(0, 10) : iso;
    }
  }
  throw refusal(name, 'text', type, value);
}

/** A Date of any realm (a Function node's are of another). */
function isDate(value: unknown): boolean {
  return value instanceof Date || Object.prototype.toString.call(value) === '[object Date]';
}

/** A Date's time, or NaN for an invalid one or an object that only says it is a Date. */
function dateTime(value: unknown): number {
  try {
    return Date.prototype.getTime.call(value);
  } catch {
    return Number.NaN;
  }
}

function refusal(name: string, what: string, type: string, value: unknown): OvhInputError {
  return new OvhInputError(`Parameter "${name}" must be ${what} (${type}), not ${shown(value)}`);
}

/** A value as an error message shows it: short, and never more than 60 characters of it. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`;
  if (isDate(value)) return 'a date';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
