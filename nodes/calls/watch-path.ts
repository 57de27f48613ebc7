/**
 * Whether a watch can read its path: the rule the node checks once when it starts, so a path that
 * can never be read is said at once, not at every check. The watch dialog imports the same rule
 * (editor/watch-dialog.ts), so both give one verdict: keep this module free of Node-only imports.
 */
import { pathTemplateError } from '../client/path-rule';

/** Why a watch cannot read a path, as a kind the runtime and the dialog each put in words. */
export type WatchPathVerdict =
  { kind: 'no-path' } | { kind: 'placeholder'; placeholder: string } | { kind: 'path'; reason: string } | undefined;

/** What is wrong with this path (already trimmed) for a watch; undefined: it can be read. */
export function watchPathVerdict(path: string): WatchPathVerdict {
  if (!path.startsWith('/')) return { kind: 'no-path' };
  // A watch sends no msg, so nothing could fill a placeholder: its values are written in.
  const placeholder = /\{[^}]*\}/.exec(path);
  if (placeholder) return { kind: 'placeholder', placeholder: placeholder[0] };
  // The request's own rules for a path.
  const reason = pathTemplateError(path);
  return reason === undefined ? undefined : { kind: 'path', reason };
}

/** Why a watch cannot read this path (already trimmed), in the runtime's words; undefined: it can. */
export function watchPathProblem(
  path: string,
  _: (key: string, substitutions?: Record<string, unknown>) => string,
): string | undefined {
  const verdict = watchPathVerdict(path);
  if (!verdict) return undefined;
  if (verdict.kind === 'no-path') return _('ovh-watch.errors.no-path');
  if (verdict.kind === 'placeholder') return _('ovh-watch.errors.placeholder', { placeholder: verdict.placeholder, path });
  return verdict.reason;
}
