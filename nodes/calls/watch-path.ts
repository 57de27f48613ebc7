/**
 * Whether a watch can read its path: the rule the node checks once when it starts, so a path that
 * can never be read is said at once, not at every check. The watch dialog gives the same verdict in
 * the browser (test/nodes/path-rules.test.ts keeps the two equal).
 */
import { pathTemplateError } from '../client';

/** Why a watch cannot read this path (already trimmed), in the runtime's words; undefined: it can. */
export function watchPathProblem(
  path: string,
  _: (key: string, substitutions?: Record<string, unknown>) => string,
): string | undefined {
  if (!path.startsWith('/')) return _('ovh-watch.errors.no-path');
  // A watch sends no msg, so nothing could fill a placeholder: its values are written in.
  const placeholder = /\{[^}]*\}/.exec(path);
  if (placeholder) return _('ovh-watch.errors.placeholder', { placeholder: placeholder[0], path });
  // The request's own rules for a path.
  return pathTemplateError(path);
}
