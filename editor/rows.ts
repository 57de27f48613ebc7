import { isNumberType } from '../nodes/client/api-types';
import type { ValueSource } from '../nodes/client/value-sources';

/**
 * The request dialog's parameter rows as data: which rows an operation shows and what each
 * saves (which Try cannot fill is the runtime's rule, nodes/try-rows.ts). No DOM here (parameter-rows.ts draws them), so the rules are tested
 * without a browser (test/unit/editor/rows.test.ts).
 */

/** A field of an operation, as the catalogue describes it (or as the dialog makes it). */
export interface Field {
  name: string;
  /** path, query or body. */
  in: string;
  type: string;
  required?: boolean;
  description?: string;
  enum?: string[];
  /** The person's own row: a name and place the API does not list. */
  custom?: boolean;
  /** A row the API no longer vouches for (its description unavailable): it may be removed. */
  leftover?: boolean;
  /** For a field whose type is a model: its shape as JSON to fill in (`{cron: "", rotation: 0}`). */
  template?: unknown;
  /** Where its values come from (the operation's `sources`): the list its picker reads. */
  source?: ValueSource;
}

/** A row as the node saves it (request-parameters.ts reads it at runtime). */
export interface SavedRow {
  name: string;
  in: string;
  type?: string;
  required: boolean;
  value: string;
  valueType: string;
  custom?: boolean;
}

/** What a row of the list is made from: its field, and the value it starts with. */
export interface RowData {
  field: Field;
  value?: string;
  valueType?: string;
}

/** The TypedInput types a value may take; `enum` is added for a field with a list of values. */
export const VALUE_TYPES = ['str', 'num', 'bool', 'json', 'msg', 'flow', 'global', 'env', 'jsonata'];

/** A new row of one's own, before its name and place are written. */
export function ownField(): Field {
  return { name: '', in: 'query', type: 'string', required: false, description: '', custom: true };
}

/** The TypedInput type a new row starts with, from the API's type. */
export function defaultValueType(field: Field): string {
  if (field.enum && field.enum.length) return 'enum';
  if (field.template !== undefined) return 'json';
  const type = field.type.split(':').pop() ?? '';
  if (/\[\]$/.test(type) || /^(map\[|complexType\.)/.test(type)) return 'json';
  if (isNumberType(type)) return 'num';
  if (type === 'boolean') return 'bool';
  return 'str';
}

/** The type a row's value shows with: its saved one, or the enum's when a saved text is one of its values. */
export function shownValueType(field: Field, valueType: string | undefined, value: string | undefined): string {
  const type = valueType || defaultValueType(field);
  if (type === 'str' && field.enum && value !== undefined && field.enum.includes(value)) return 'enum';
  return type;
}

/** The value a row starts with: its saved one, else a model's template to fill in, else empty. */
export function startValue(field: Field, value: string | undefined): string {
  if (value !== undefined) return value;
  return field.template !== undefined ? JSON.stringify(field.template) : '';
}

/** Whether a row's value is its field's template as offered, unfilled. */
function isUnfilledTemplate(field: Field, valueType: string, value: string): boolean {
  if (field.template === undefined || valueType !== 'json') return false;
  try {
    return JSON.stringify(JSON.parse(value)) === JSON.stringify(field.template);
  } catch {
    return false;
  }
}

/** Whether an empty value is fine for this row (the TypedInput outlines it otherwise). */
export function emptyAllowed(field: Field): boolean {
  return !field.required || !!field.custom;
}

/** The placeholders a path holds, as path fields of type string. */
export function placeholderFields(path: string): Field[] {
  const fields: Field[] = [];
  for (const match of String(path || '').matchAll(/\{([^{}/]+)\}/g)) {
    fields.push({ name: match[1], in: 'path', type: 'string', required: true, description: '' });
  }
  return fields;
}

/** Only the placeholders this path still holds: a value written in the path needs no row. */
export function fieldsOfPath(fields: Field[], path: string): Field[] {
  return fields.filter((field) => field.in !== 'path' || path.includes('{' + field.name + '}'));
}

/**
 * A row as the node saves it, from what its line holds; undefined: not saved. An empty row of
 * the API's is not saved unless required (checked at runtime); one's own stays, named, until removed.
 */
export function savedRow(field: Field, valueType: string, value: string): SavedRow | undefined {
  if (field.custom && !field.name) return undefined;
  if (value === '' && !field.required && !field.custom) return undefined;
  // A template left as offered says nothing: an optional field is then not sent.
  if (!field.required && isUnfilledTemplate(field, valueType, value)) return undefined;
  const row: SavedRow = {
    name: field.name,
    in: field.in,
    type: field.type,
    required: !!field.required,
    value,
    valueType: valueType === 'enum' ? 'str' : valueType,
  };
  if (field.custom) {
    row.custom = true; // no API type: the value goes as given
    delete row.type;
  }
  return row;
}

/**
 * The rows to show for these fields. A value already typed moves to the field of the same name
 * (in the same place first: a query fieldType then a body fieldType). For an operation the API
 * describes, values its fields do not take are dropped, so nothing is sent that it does not take;
 * for a path it does not describe, they stay as rows. The person's own rows always stay.
 */
export function rowsToShow(fields: Field[], kept: SavedRow[], described: boolean): RowData[] {
  const ownRows = kept.filter((row) => row.custom);
  const unplaced = kept.filter((row) => !row.custom); // the API's rows, until a field takes them
  /** The kept row that goes to this field: same name, the same place preferred; taken once. */
  function takeRowFor(field: Field): Partial<SavedRow> {
    let at = -1;
    unplaced.forEach((row, i) => {
      if (row.name !== field.name) return;
      if (at === -1 || (row.in === field.in && unplaced[at].in !== field.in)) at = i;
    });
    return at === -1 ? {} : unplaced.splice(at, 1)[0];
  }
  const shown: RowData[] = fields.map((field) => {
    const row = takeRowFor(field);
    return { field, value: row.value, valueType: row.valueType };
  });
  if (!described) {
    for (const row of unplaced) {
      if (row.value === '' || row.value === undefined) continue;
      const field: Field = {
        name: row.name,
        in: row.in,
        type: row.type || 'string',
        required: false,
        description: '',
        leftover: true,
      };
      shown.push({ field, value: row.value, valueType: row.valueType });
    }
  }
  for (const row of ownRows) {
    const field: Field = { name: row.name, in: row.in, type: 'string', required: false, description: '', custom: true };
    shown.push({ field, value: row.value, valueType: row.valueType });
  }
  return shown;
}
