/**
 * An operation's parameters as an editor offers them (one field per path placeholder, query
 * parameter and body field), and the conversion of a value to the type the API's description
 * gives it. Pure: no Node-RED, no I/O.
 */
import { OvhInputError } from './errors';
import { MOST_NESTING } from './depth';
import { appendAll } from './arrays';
import { DECIMAL, INTEGER, TEXT, isNumberType } from './api-types';
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
  /**
   * For a field whose type is a model (`cloud.instance.AutoBackup`) or a list of one
   * (`cloud.instance.NetworkParams[]`): its shape, each property with an empty value of its type,
   * as JSON to fill in.
   */
  template?: unknown;
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
  const template = templateOf(field.type, models, TEMPLATE_DEPTH, { left: TEMPLATE_PROPERTIES });
  if (template !== undefined && typeof template === 'object') field.template = template;
  return field;
}

/** How deep a template follows models within models: deeper ones are left `{}`. */
const TEMPLATE_DEPTH = 3;
/** Properties a template shows of one model: a model wider than this is cut. */
const TEMPLATE_WIDTH = 50;
/** Properties a template shows in all, whatever its depth and width. */
const TEMPLATE_PROPERTIES = 200;

/**
 * An empty value of an API type: `""` for a string, `0` for a number, `false` for a boolean, the
 * first value of an enum, an object of a model's writable properties, a list of one for a list
 * type; undefined for a type it does not know (a map, a type no model describes).
 */
function templateOf(type: string, models: Record<string, unknown>, depth: number, budget: { left: number }): unknown {
  if (type.endsWith('[]')) {
    const item = templateOf(type.slice(0, -2), models, depth, budget);
    return item === undefined ? undefined : [item];
  }
  if (isNumberType(type)) return 0;
  if (type === 'boolean') return false;
  if (TEXT.has(type)) return '';
  const model = record(models[type]);
  if (Array.isArray(model.enum)) return typeof model.enum[0] === 'string' ? model.enum[0] : '';
  // What a template shows: the properties a request may write (a model of read-only ones has none).
  const writable = Object.entries(record(model.properties)).filter(([, raw]) => record(raw).readOnly !== true);
  if (writable.length === 0) return undefined;
  if (depth <= 0) return {};
  const shape: Record<string, unknown> = {};
  for (const [name, raw] of writable.slice(0, TEMPLATE_WIDTH)) {
    if (budget.left-- <= 0) break;
    const property = record(raw);
    const value = templateOf(text(property.fullType) || text(property.type), models, depth - 1, budget);
    shape[name] = value === undefined ? null : value;
  }
  return shape;
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
  const shapeDepths = new Map<string, number>();
  // A model's writable properties, and theirs where they are models, to the depth a template follows.
  const keepShape = (type: string, depth: number) => {
    const name = type.replace(/\[\]$/, '');
    const model = record(models[name]);
    if (depth <= 0 || Array.isArray(model.enum) || Object.keys(record(model.properties)).length === 0) return;
    // A model met again closer to a field than before is followed again, deeper.
    if ((shapeDepths.get(name) ?? 0) >= depth) return;
    shapeDepths.set(name, depth);
    const properties: Record<string, unknown> = Object.create(null);
    kept(name).properties = properties;
    // As a whole body keeps them (the same model may be both): every writable property.
    for (const [property, raw] of Object.entries(record(model.properties))) {
      const field = record(raw);
      if (field.readOnly === true) continue;
      const fieldType = text(field.fullType) || text(field.type);
      properties[property] = { type: fieldType, required: field.required === true, description: text(field.description) };
      keepEnum(fieldType);
      keepShape(fieldType, depth - 1);
    }
  };
  for (const operation of operations) {
    for (const p of operation.parameters) {
      if (p.in === 'header') continue;
      if (p.in !== 'body' || p.name !== '') {
        keepEnum(p.type);
        // One level past the template's depth: where it stops, it still knows a model is one (`{}`).
        if (p.in === 'body') keepShape(p.type, TEMPLATE_DEPTH + 1);
        continue;
      }
      // The whole body: its model's fields, and the shapes of those that are models.
      keepShape(p.type, TEMPLATE_DEPTH + 2);
    }
  }
  return used;
}

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
