/**
 * Which parameter rows Try (a call made from the request dialog, without a msg) can set. Pure and
 * without imports: the Try route (admin/try-and-values-routes.ts) and the request dialog (editor/, bundled)
 * both read the rows with it, the dialog to ask before it calls.
 */

/** The value types Try can give without a msg: the row's own value. */
const LITERAL_TYPES = ['str', 'num', 'bool', 'json'];

/** A parameter row as saved, its fields unchecked (the route reads them from a request). */
export interface TryRow {
  name?: unknown;
  in?: unknown;
  required?: unknown;
  value?: unknown;
  valueType?: unknown;
}

/**
 * The rows Try sets (`literal`), those it has no value for (they read a msg, context, env or
 * JSONata: `unset`, an empty one is not sent at all), and of those the ones the call needs
 * (`needed`: required, or a placeholder of `path`).
 */
export function tryRows<T extends TryRow>(rows: T[], path: string): { literal: T[]; unset: T[]; needed: T[] } {
  const literal = rows.filter((row) => LITERAL_TYPES.includes(String(row.valueType || 'str')));
  const unset = rows.filter((row) => !literal.includes(row) && row.value !== '' && row.value !== undefined);
  const needed = unset.filter((row) => row.required === true || (row.in === 'path' && path.includes(`{${String(row.name)}}`)));
  return { literal, unset, needed };
}
