/** The dialogs' words, from this package's message catalogues (locales/<lang>/<node type>.json). */

/** A message by its full key (`ovh-request.try.button`), substitutions filled. */
export type Text = (key: string, substitutions?: Record<string, unknown>) => string;

/**
 * The messages of one node type's catalogue (RED._ alone reads the editor's own). Node-RED's
 * i18next leaves substitutions unescaped (escapeValue: false): the result is text for .text(),
 * never HTML.
 */
export function messages(nodeType: 'ovh-request' | 'ovh-watch' | 'ovh-credentials'): Text {
  return (key, substitutions) => RED._(`node-red-contrib-ovhcloud/${nodeType}:${key}`, substitutions);
}

/** The request's catalogue: it also holds the words of the pieces the dialogs share (operation, values). */
export const requestText = messages('ovh-request');

/** Text made safe for the rare widget that takes only an HTML string (a notification's button). */
export function escapeHtml(value: string): string {
  return String(value).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
}

/** A whole number within `bound`; empty only where the runtime takes empty (it then uses the default). */
export function withinBounds(bound: () => RedBound, emptyAllowed: boolean): (value: unknown) => boolean {
  return (value) => {
    if (value === '' || value === undefined || value === null) return emptyAllowed;
    const n = Number(value);
    const { min, max } = bound();
    return Number.isInteger(n) && n >= min && n <= max;
  };
}

/** A node's label in italics when it has a name of its own (Node-RED's convention). */
export function labelStyle(this: { name?: unknown }): string {
  return this.name ? 'node_label_italic' : '';
}
