/**
 * The rules a call's path follows, as checks that say why a path cannot be sent (or undefined).
 * Pure and without imports: the client applies them to every call (request.ts), the runtime to a
 * node's path at deploy, and the editor's dialogs in the browser (bundled from this module), so
 * the three give one verdict.
 */

/** A `{name}` placeholder; a `/` cannot be part of its name. */
export const PLACEHOLDER = /\{([^{}/]*)\}/g;
// Control characters would break the request line; a backslash is read as "/" by URL parsers.
const FORBIDDEN_IN_PATH = /[\u0000-\u001f\u007f\\]/;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** What is wrong with a path as a whole, placeholders unfilled: empty, its start, its characters. */
export function pathStartProblem(path: string): string | undefined {
  if (path === '') return 'The path is empty: give an API path like /me';
  if (!path.startsWith('/') || path.startsWith('//')) {
    const looksLikeUrl = path.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(path);
    return `The path "${clip(path)}" must be an API path starting with a single "/", like /me${looksLikeUrl ? ', not a URL: the account says where the API is' : ''}`;
  }
  if (FORBIDDEN_IN_PATH.test(path)) return `The path "${clip(path)}" holds a control character or a backslash`;
  if (path.includes('#')) return `The path "${clip(path)}" holds a fragment (#): remove it`;
  return undefined;
}

/** What is wrong with the part before `?` once its placeholders are filled: a brace left, a dot segment. */
export function filledPathProblem(filled: string, pathPart: string, path: string): string | undefined {
  if (filled.includes('{') || filled.includes('}')) return `The path "${clip(pathPart)}" holds an unbalanced "{" or "}"`;
  if (filled.split('/').some((segment) => DOT_SEGMENT.test(segment))) {
    return `The path "${clip(path)}" holds a "." or ".." segment, which would leave the API path`;
  }
  return undefined;
}

/** An empty placeholder `{}` (or `{ }`): no value can name it. */
export const EMPTY_PLACEHOLDER = 'The path holds an empty placeholder "{}"';

/**
 * Whether a path as written in a node (placeholders unfilled; empty means msg.path) can be
 * sent: the reason it cannot, or undefined. The same checks as a call's (request.ts urlText),
 * with a value for every placeholder.
 */
export function pathTemplateError(template: string): string | undefined {
  const path = template.trim();
  if (path === '') return undefined;
  const start = pathStartProblem(path);
  if (start) return start;
  const queryStart = path.indexOf('?');
  const pathPart = queryStart === -1 ? path : path.slice(0, queryStart);
  let empty = false;
  const filled = pathPart.replace(PLACEHOLDER, (_whole, name: string) => {
    if (name.trim() === '') empty = true;
    return 'x';
  });
  return empty ? EMPTY_PLACEHOLDER : filledPathProblem(filled, pathPart, path);
}

/** Text short enough for a message, control characters written out. */
export function clip(text: string): string {
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, (ch) => '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0'));
  return printable.length > 80 ? printable.slice(0, 77) + '...' : printable;
}
