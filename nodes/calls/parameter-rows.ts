/**
 * The parameter rows of an ovh-request node: one TypedInput value per path placeholder, query
 * parameter or body field, evaluated for each msg and converted to the type the API gives it.
 * What the rows leave empty, msg.params, msg.query and msg.payload still fill, so flows that
 * build those in other nodes keep working. Everything that can be done once (literal values,
 * environment variables, JSONata parsing) is done when the node starts.
 */
import { OvhInputError, isPlainObject, toSchemaType, type FieldPlace } from '../client';
import type { JsonataExpression, Node, NodeAPI, NodeMessage } from '../node-red';
import type { Call } from './message';
import { StoreTimeout, durationText, storeDeadlineMs, withDeadline } from './store-deadline';

/** One row as the dialog saves it. */
export interface ParameterRow {
  name: string;
  in: FieldPlace;
  /** The API's type for the value (`long`, `string`, `domain.zone.RecordTypeEnum`...). */
  type?: string;
  required?: boolean;
  value?: unknown;
  /** The TypedInput type: str, num, bool, json, env, msg, flow, global, jsonata. */
  valueType?: string;
}

const PLACES = new Set<FieldPlace>(['path', 'query', 'body']);
/** TypedInput types whose value is the same for every msg. */
const CONSTANT_TYPES = new Set(['str', 'num', 'bool', 'json', 'env', 'bin']);

/** How one row gets its value for a msg: undefined means empty (nothing sent). */
type Source = (msg: NodeMessage) => unknown | Promise<unknown>;

interface PreparedRow {
  name: string;
  in: FieldPlace;
  type: string;
  source: Source;
  /** Some source is asynchronous (flow, global, JSONata). */
  async: boolean;
  /** Why every msg is refused: a literal its type cannot hold, an expression that does not parse. */
  refusal?: OvhInputError;
  /** Where the value comes from, as the dialog shows it: `msg.payload[0]`, `flow.zone`, `JSONata`. */
  from: string;
}

type Values = Record<FieldPlace, Record<string, unknown>>;

export class ParameterRows {
  private readonly rows: PreparedRow[] = [];
  /** Required query and body names, checked after msg.query and msg.payload have filled in. */
  private readonly required: Array<{ name: string; in: FieldPlace }> = [];
  /** Some row sets a body field: msg.payload then only fills fields, when it is an object. */
  readonly setsBody: boolean;
  private readonly anyAsync: boolean;
  /** Rows that refuse every msg, to say at deploy rather than only when a msg comes. */
  readonly refusals: string[];

  /** Path rows whose name no `{placeholder}` of this path holds: their value would go nowhere. */
  unplacedIn(path: string): string[] {
    return this.rows.filter((r) => r.in === 'path' && !path.includes(`{${r.name}}`)).map((r) => r.name);
  }

  private constructor(rows: ParameterRow[], node: Node, RED: NodeAPI) {
    for (const row of rows) {
      if (row.required && row.in !== 'path') this.required.push({ name: row.name, in: row.in });
      const prepared = prepare(row, node, RED);
      if (prepared) this.rows.push(prepared);
    }
    this.setsBody = this.rows.some((r) => r.in === 'body');
    this.refusals = this.rows.flatMap((r) => (r.refusal ? [r.refusal.message] : []));
    this.anyAsync = this.rows.some((r) => r.async);
  }

  /**
   * The node's rows, or undefined when it has none (the msg alone makes the call). A node set to
   * send no body sends none: its body rows are left out, and said so at deploy.
   */
  static read(config: unknown, node: Node, RED: NodeAPI, sendsBody = true): ParameterRows | undefined {
    if (!Array.isArray(config)) return undefined;
    let rows = config.filter(
      (r): r is ParameterRow => isPlainObject(r) && typeof r.name === 'string' && r.name !== '' && PLACES.has(r.in as FieldPlace),
    );
    if (!sendsBody) {
      const bodyRows = rows.filter((r) => r.in === 'body' && r.value !== undefined && r.value !== null && r.value !== '');
      if (bodyRows.length > 0)
        node.warn(RED._('ovh-request.warn.body-rows-unused', { names: bodyRows.map((r) => r.name).join(', ') }));
      rows = rows.filter((r) => r.in !== 'body');
    }
    return rows.length === 0 ? undefined : new ParameterRows(rows, node, RED);
  }

  /** Puts the rows' values into the call; what they leave empty stays as the msg gave it. */
  async apply(call: Call, msg: NodeMessage): Promise<void> {
    const values = this.anyAsync ? await this.evaluateAsync(msg) : this.evaluate(msg);
    if (Object.keys(values.path).length > 0) call.params = { ...(call.params ?? {}), ...values.path };
    this.checkPathRows(call);
    if (Object.keys(values.query).length > 0) {
      if (call.query === undefined || isPlainObject(call.query)) call.query = { ...(call.query ?? {}), ...values.query };
      // else: msg.query is not an object, and is refused as such when the URL is built.
    }
    if (this.setsBody && (call.method === 'POST' || call.method === 'PUT')) {
      const fromMsg = isPlainObject(call.body) ? call.body : {};
      if (Object.keys(values.body).length > 0 || isPlainObject(call.body)) call.body = { ...fromMsg, ...values.body };
    }
    this.checkRequired(call);
  }

  private evaluate(msg: NodeMessage): Values {
    const values = emptyValues();
    for (const row of this.rows) put(values, row, row.source(msg));
    return values;
  }

  private async evaluateAsync(msg: NodeMessage): Promise<Values> {
    const values = emptyValues();
    const results = await Promise.all(this.rows.map((row) => row.source(msg)));
    this.rows.forEach((row, i) => put(values, row, results[i]));
    return values;
  }

  /**
   * A path row that gave nothing, for a placeholder the msg does not fill either, is named with
   * where it reads from: the likeliest cause is an earlier answer without the value (an empty list).
   */
  private checkPathRows(call: Call): void {
    for (const row of this.rows) {
      if (row.in !== 'path' || !call.path.includes(`{${row.name}}`)) continue;
      const value = call.params && Object.hasOwn(call.params, row.name) ? call.params[row.name] : undefined;
      if (value === undefined || value === null) {
        throw new OvhInputError(
          `Parameter "${row.name}" (path) has no value: its row (${row.from}) gave nothing, and msg.params.${row.name} is not set`,
          {
            kind: 'missing-value',
            placeholder: row.name,
          },
        );
      }
    }
  }

  private checkRequired(call: Call): void {
    for (const { name, in: place } of this.required) {
      const holder = place === 'query' ? call.query : call.body;
      // A null query value is left out of the URL; a null body field is sent as null.
      const value = isPlainObject(holder) && Object.hasOwn(holder, name) ? holder[name] : undefined;
      const present = value !== undefined && (place === 'body' || value !== null);
      if (!present && (place === 'query' || call.method === 'POST' || call.method === 'PUT')) {
        const fromMsg = place === 'query' ? `msg.query.${name}` : `msg.payload.${name}`;
        throw new OvhInputError(`Missing required parameter "${name}" (${place}): set its row, or ${fromMsg}`);
      }
    }
  }
}

/** Holders without a prototype: a row named `__proto__` is a name like any other. */
function emptyValues(): Values {
  return { path: Object.create(null), query: Object.create(null), body: Object.create(null) } as Values;
}

/** A row's value, converted to the API's type, in its place; an empty value is left out. */
function put(values: Values, row: PreparedRow, value: unknown): void {
  if (value === undefined) return;
  values[row.in][row.name] = toSchemaType(value, row.type, row.name);
}

/** How a row gets its value, decided once; undefined for a row left empty. */
function prepare(row: ParameterRow, node: Node, RED: NodeAPI): PreparedRow | undefined {
  const valueType = typeof row.valueType === 'string' && row.valueType !== '' ? row.valueType : 'str';
  const value = row.value;
  // An empty row is not sent (JSON `""` sends an empty text).
  if (value === undefined || value === null || value === '') return undefined;
  // A row of one's own has no API type: its value goes as given (a number stays a number).
  const from = ['msg', 'flow', 'global'].includes(valueType) ? `${valueType}.${String(value).replace(/^msg\./, '')}` : valueType;
  const base = { name: row.name, in: row.in, type: typeof row.type === 'string' ? row.type : '', async: false, from };
  const refusing = (refusal: OvhInputError): PreparedRow => ({ ...base, refusal, source: () => throwing(refusal) });
  const failing = (reason: string) => refusing(new OvhInputError(`Parameter "${row.name}": ${reason}`));
  if (CONSTANT_TYPES.has(valueType)) {
    try {
      // Converted once too: a literal the type refuses is refused for every msg, naming the row.
      let constant = RED.util.evaluateNodeProperty(value, valueType, node, null);
      if (valueType === 'env' && constant === '') constant = undefined; // an unset variable: an empty row
      const converted = constant === undefined ? undefined : toSchemaType(constant, base.type, row.name);
      return { ...base, source: () => converted };
    } catch (err) {
      return err instanceof OvhInputError ? refusing(err) : failing(reasonOf(err));
    }
  }
  if (typeof value !== 'string') return failing(`${valueType} needs an expression`);
  if (valueType === 'msg') {
    // `msg.payload.zone` and `payload.zone` are the same property, as in every core node.
    const property = value.replace(/^msg\./, '');
    let parts: unknown[];
    try {
      parts = RED.util.normalisePropertyExpression(property);
    } catch (err) {
      return failing(`msg.${value} is not a property: ${reasonOf(err)}`);
    }
    // Parsed once; only an expression reading another msg property (`payload[msg.key]`) per msg.
    const fixed = parts.every((part) => typeof part === 'string' || typeof part === 'number') ? parts : undefined;
    return { ...base, source: (msg) => messageProperty(RED, msg, property, row.name, fixed) };
  }
  // A context store, or an expression reading one, may never answer: the msg fails after a deadline.
  const ms = storeDeadlineMs(RED);
  const deadline = { ms, late: () => rowTimeout(RED, row.name, from, ms) };
  if (valueType === 'flow' || valueType === 'global') {
    return { ...base, async: true, source: (msg) => evaluated(RED, value, valueType, node, msg, row.name, deadline) };
  }
  if (valueType === 'jsonata') {
    let expression: JsonataExpression;
    try {
      expression = RED.util.prepareJSONataExpression(value, node);
    } catch (err) {
      return failing(`the JSONata expression is not valid: ${reasonOf(err)}`);
    }
    return { ...base, async: true, source: (msg) => jsonata(RED, expression, msg, row.name, deadline) };
  }
  // Any other type (a date, a type added by a later Node-RED): evaluated for each msg.
  return { ...base, source: (msg) => RED.util.evaluateNodeProperty(value, valueType, node, msg) };
}

/**
 * A msg property, walked part by part: one whose parent is missing (`payload.a` of a msg without
 * `payload`) is empty; a property that throws when read is refused, naming the row.
 */
function messageProperty(RED: NodeAPI, msg: NodeMessage, expression: string, name: string, parts?: unknown[]): unknown {
  let value: unknown = msg;
  try {
    for (const part of parts ?? RED.util.normalisePropertyExpression(expression, msg)) {
      if (value === null || value === undefined) return undefined;
      value = (value as Record<string | number, unknown>)[part as string | number];
    }
  } catch (err) {
    throw new OvhInputError(`Parameter "${name}": msg.${expression} could not be read: ${reasonOf(err)}`);
  }
  return value;
}

/** How long a row's context store or expression may take, and what the msg fails with after that. */
interface Deadline {
  ms: number;
  late: () => Error;
}

/** A flow or global context value; asynchronous with a persistent context store. */
function evaluated(
  RED: NodeAPI,
  value: string,
  type: string,
  node: Node,
  msg: NodeMessage,
  name: string,
  deadline: Deadline,
): Promise<unknown> {
  return readWithin(
    (callback) => RED.util.evaluateNodeProperty(value, type, node, msg, callback),
    deadline,
    (reason) => `Parameter "${name}": ${type}.${value} could not be read: ${reason}`,
  );
}

function jsonata(
  RED: NodeAPI,
  expression: JsonataExpression,
  msg: NodeMessage,
  name: string,
  deadline: Deadline,
): Promise<unknown> {
  return readWithin(
    (callback) => RED.util.evaluateJSONataExpression(expression, msg, callback),
    deadline,
    (reason) => `Parameter "${name}": the JSONata expression failed: ${reason}`,
  );
}

/** A row's asynchronous read, within its deadline: a failure names the row, a silence is a StoreTimeout. */
async function readWithin(
  start: (callback: (err: unknown, value?: unknown) => void) => void,
  deadline: Deadline,
  failure: (reason: string) => string,
): Promise<unknown> {
  try {
    return await withDeadline(start, deadline.ms, deadline.late);
  } catch (err) {
    if (err instanceof StoreTimeout) throw err;
    throw new OvhInputError(failure(reasonOf(err)));
  }
}

/** A row whose store or expression did not answer in time: the msg fails, naming the row and where it reads. */
function rowTimeout(RED: NodeAPI, name: string, from: string, ms: number): StoreTimeout {
  return new StoreTimeout(RED._('ovh-request.errors.row-timeout', { name, from, duration: durationText(ms) }));
}

function throwing(err: Error): never {
  throw err;
}

/** An error's words; JSONata throws plain objects with a message. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  const message = err !== null && typeof err === 'object' ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(err);
}
