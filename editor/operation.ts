/**
 * What the catalogue answers about operations, and the pure readings the dialogs make of it
 * (suggestions to offer, a replacement to link to). No DOM here: tested without a browser.
 */
import type { OperationSources } from '../nodes/client/value-sources';
import type { Field } from './rows';

/** Where the words of a query stand in a text: [start, end) ranges, sorted, not overlapping. */
export type Marks = Array<[number, number]>;

/** An operation as the catalogue's search lists it. */
export interface OperationSummary {
  method: string;
  path: string;
  status?: string;
  description?: string;
  /** The query's words it matched, and where they stand in its path and description. */
  matched?: string[];
  marks?: { path?: Marks; description?: Marks };
}

/**
 * The catalogue's search answer: operations best first, whether more are still loading, and, for
 * words, whether nothing matched at all and which words no operation answered matched.
 */
export interface SearchAnswer {
  operations: OperationSummary[];
  loading?: boolean;
  nothingMatches?: boolean;
  unmatched?: string[];
}

/** A text cut into the pieces a suggestion shows, those the query matched marked. */
export function markedPieces(text: string, marks: Marks | undefined): Array<{ text: string; marked: boolean }> {
  const pieces: Array<{ text: string; marked: boolean }> = [];
  let at = 0;
  for (const [start, end] of marks ?? []) {
    // Ranges past the text (a description cut for one row) or out of order are left out.
    if (!(start >= at && end > start && start < text.length)) continue;
    if (start > at) pieces.push({ text: text.slice(at, start), marked: false });
    pieces.push({ text: text.slice(start, Math.min(end, text.length)), marked: true });
    at = Math.min(end, text.length);
  }
  if (at < text.length || pieces.length === 0) pieces.push({ text: text.slice(at), marked: false });
  return pieces;
}

/**
 * What to say of words that found nothing: nothing at all matched (`nothing`), or some words no
 * operation offered has (`unmatched`: the ones to drop). Nothing to say when every word matched,
 * a path was typed, or the API's families still load.
 */
export function searchAdvice(found: SearchAnswer): { nothing: boolean; unmatched: string[] } | undefined {
  if (found.loading) return undefined;
  const unmatched = found.unmatched ?? [];
  if (found.nothingMatches) return { nothing: true, unmatched };
  return unmatched.length > 0 ? { nothing: false, unmatched } : undefined;
}

/** An operation as the catalogue details it. */
export interface OperationDetail extends OperationSummary {
  responseType?: string;
  iamActions: string[];
  deprecation?: { deletionDate?: string; replacement?: string };
  /** Its parameters as described (empty in an answer shortened to fit). */
  parameters?: Array<{ name: string; in: string }>;
  /** Where the values of its fields come from, by field name. */
  sources?: OperationSources;
}

/** The catalogue's answer about one method and path. */
export type OperationAnswer = { stale?: boolean } & (
  { known: true; operation: OperationDetail; fields: Field[] } | { known: false }
);

/**
 * The operations offered as suggestions, in the catalogue's order (its best match first). A
 * watch only reads: GETs only, each path once.
 */
export function offeredOperations(found: SearchAnswer, getOnly: boolean): OperationSummary[] {
  if (!getOnly) return found.operations;
  const seen = new Set<string>();
  return found.operations.filter((operation) => {
    if (operation.method !== 'GET' || seen.has(operation.path)) return false;
    seen.add(operation.path);
    return true;
  });
}

/** The first line of a description, short enough for one row of a list. */
export function oneLine(text: string | undefined): string {
  const line = String(text || '').split('\n')[0];
  return line.length > 110 ? line.slice(0, 107) + '...' : line;
}

/** A replacement as the API writes it (`/1.0/x`, `POST /order/x`, `/v2/x`) as a method and path. */
export function readReplacement(text: string | undefined, method: string): { method: string; path: string } | undefined {
  const match = /^(?:(GET|POST|PUT|DELETE)\s+)?(\/\S*)$/.exec(String(text || '').trim());
  if (!match) return undefined;
  return { method: match[1] || method, path: match[2].replace(/^\/1\.0(?=\/)/, '') };
}

/** When a deprecated operation goes: its date (YYYY-MM-DD), and whether that day has passed. */
export function deletionOf(deletionDate: string | undefined, today: Date): { date: string; past: boolean } | undefined {
  const date = deletionDate ? deletionDate.slice(0, 10) : '';
  if (!date) return undefined;
  return { date, past: date < today.toISOString().slice(0, 10) };
}

/** A chosen suggestion reads "METHOD /path": the method and path it sets. */
export function chosenSuggestion(value: string): { method: string; path: string } | undefined {
  const chosen = /^(GET|POST|PUT|DELETE) (\/\S*)$/.exec(value);
  return chosen ? { method: chosen[1], path: chosen[2] } : undefined;
}
