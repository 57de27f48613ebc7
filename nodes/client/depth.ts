/**
 * How deep JSON nests, measured without recursion. Every walk of an answer or of a value from a
 * flow (a copy, a comparison, JSON.stringify itself) recurses once per level: JSON nested a few
 * thousand deep (30 KB of `{"a":`) overflows the stack. OVHcloud's answers and bodies nest well
 * under 20 levels, so anything nested deeper than MOST_NESTING is refused before it is walked.
 */
import { OvhError } from './errors';

/** The deepest nesting read from an answer or sent in a body: objects and lists within each other. */
export const MOST_NESTING = 64;

/** What one pass over a JSON text finds: how deep it nests, and what it would weigh once parsed. */
export interface JsonTextMeasure {
  /** The deepest nesting of objects and lists. */
  depth: number;
  /**
   * What the text would weigh once parsed, at most, in bytes: the text twice over (strings of
   * two-byte characters), 80 bytes per object or list and 24 per member or element. Measured on
   * V8 it is above the real weight: about 1.1 times for the API's real descriptions (/cloud: 10 MB
   * estimated, 9 MB parsed), 1.6 times for `[{},{},...]` (297 MB estimated, 181 MB parsed), whose
   * few bytes per object make a text of a few MB weigh hundreds once parsed.
   */
  parsedWeight: number;
}

/**
 * How deep JSON text nests and what it would weigh once parsed: one pass over its characters,
 * counting the brackets that open and close objects and lists and the separators between
 * members, not those inside strings (a string is crossed at once, from quote to closing quote,
 * with indexOf: most of an answer's text is in its strings). Linear, whatever the text; made for
 * text that JSON.parse reads next (it does not check the rest of the grammar).
 */
export function measureJsonText(text: string): JsonTextMeasure {
  let depth = 0;
  let deepest = 0;
  let containers = 0;
  let separators = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(text, i);
      if (i === -1) break;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      containers++;
      if (++depth > deepest) deepest = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === COMMA || c === COLON) separators++;
  }
  return { depth: deepest, parsedWeight: 2 * text.length + 80 * containers + 24 * separators };
}

/** Whether JSON text nests deeper than `limit` levels of objects and lists (see measureJsonText). */
export function jsonTextTooDeep(text: string, limit = MOST_NESTING): boolean {
  // Fewer characters than levels: no room to nest deeper.
  return text.length > limit && measureJsonText(text).depth > limit;
}

/** Where the string opened at `start` ends: the next quote after an even run of backslashes; -1 if none. */
function closingQuote(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Whether a value nests deeper than `limit` levels of objects and lists, as JSON.stringify would
 * walk it; a value that holds itself nests without end. Walked with a stack of its own; a value
 * met in several places is walked again only where it sits deeper, so shared values cost at
 * most `limit` walks each. Buffers and typed arrays are leaves (JSON writes them flat).
 */
export function nestedTooDeep(value: unknown, limit = MOST_NESTING): boolean {
  if (value === null || typeof value !== 'object') return false;
  const deepestAt = new Map<object, number>();
  const stack: Array<{ value: object; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (depth > limit) return true;
    const before = deepestAt.get(current);
    if (before !== undefined && before >= depth) continue;
    deepestAt.set(current, depth);
    if (ArrayBuffer.isView(current)) continue;
    const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

/** Throws when a value nests deeper than MOST_NESTING levels: what no walk of ours may be given. */
export function checkNesting(value: unknown, what: string): void {
  if (nestedTooDeep(value)) {
    throw new OvhError(`${what} nests deeper than ${MOST_NESTING} levels, or holds itself: it is not read`, 'TOO_DEEP');
  }
}
