/**
 * The values picker and Try as data: the choices a values answer offers (each value with the
 * label that names it), the ones left by what is typed, what the body defaults to for an
 * operation, and what Try read of a list. No DOM here (values.ts and request-dialog.ts draw
 * them), so the rules are tested without a browser (test/unit/editor/value-choices.test.ts).
 */
/** A message by its key, substitutions filled (i18n.ts's Text; declared here so this file needs no editor globals). */
type Text = (key: string, substitutions?: Record<string, unknown>) => string;

/** What /ovh-credentials/account/values answers (try-and-values-routes.ts, value-lists.ts). */
export interface ValuesAnswer {
  listPath: string;
  values: unknown[];
  /** One a value, '' where none. */
  labels?: string[];
  more?: boolean;
  refused?: string;
  /** Values left without a label (past the item reads' number or time). */
  unlabelled?: number;
}

/** One value to pick: the value itself, and what names it ('' when nothing does). */
export interface Choice {
  value: string;
  label: string;
}

/** The choices of an answer, values as text, each with its label. */
export function choicesOf(answer: ValuesAnswer): Choice[] {
  const labels = Array.isArray(answer.labels) ? answer.labels : [];
  return answer.values
    .filter((value) => typeof value === 'string' || typeof value === 'number')
    .map((value, i) => ({
      value: String(value),
      label: typeof labels[i] === 'string' ? withoutValue(labels[i], String(value)) : '',
    }));
}

/** A label without the parts that only repeat the value (a region named by its own name). */
function withoutValue(label: string, value: string): string {
  return label
    .split(' · ')
    .filter((part) => part !== value)
    .join(' · ');
}

/** A choice as one line: `1002 · www · A · 203.0.113.10`. */
export function choiceLine(choice: Choice): string {
  return choice.label ? `${choice.value} · ${choice.label}` : choice.value;
}

/** The choices whose value or label holds every word typed, whatever the case. */
export function filterChoices(choices: readonly Choice[], typed: string): Choice[] {
  const words = typed.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return choices.slice();
  return choices.filter((choice) => {
    const line = choiceLine(choice).toLowerCase();
    return words.every((word) => line.includes(word));
  });
}

/** What the picker says under its list: more values than shown, values left unlabelled. */
export function choiceNotes(answer: ValuesAnswer, text: Text): string[] {
  const notes: string[] = [];
  if (answer.more) notes.push(text('ovh-request.parameters.more', { count: answer.values.length }));
  if (answer.unlabelled) notes.push(text('ovh-request.parameters.unlabelled', { count: answer.unlabelled }));
  return notes;
}

/**
 * The values a list's question passes: those chosen so far in other rows, by name (path, query
 * and body alike: a region narrows the flavors), as text; only literal ones (a msg property has
 * no value in the editor), and never the field's own.
 */
export function chosenValues(
  rows: ReadonlyArray<{ name: string; valueType: string; value: string }>,
  own: string,
): Record<string, string> {
  const chosen: Record<string, string> = {};
  for (const row of rows) {
    if (row.name === own || !row.name || row.value === '') continue;
    if (row.valueType === 'str' || row.valueType === 'num' || row.valueType === 'enum') chosen[row.name] = row.value;
  }
  return chosen;
}

/**
 * The body an operation defaults to: none for one whose description takes no body (sending a
 * msg.payload there is never meant); back to msg.payload for one that takes a body, where the
 * dialog itself had set none; else the person's choice stays.
 */
export function defaultBody(takesBody: boolean, current: string, setByDialog: boolean): { body: string; setByDialog: boolean } {
  if (!takesBody) return { body: 'none', setByDialog: current !== 'none' || setByDialog };
  if (setByDialog && current === 'none') return { body: 'payload', setByDialog: false };
  return { body: current, setByDialog: false };
}

/** Whether an operation takes a body: a body parameter in its description, or body fields. */
export function takesBody(operation: { parameters?: Array<{ in: string }> }, fields: ReadonlyArray<{ in: string }>): boolean {
  return (operation.parameters || []).some((p) => p.in === 'body') || fields.some((f) => f.in === 'body');
}

/** What Try read in a list mode (try-and-values-routes.ts `tried`). */
export interface Tried {
  mode: string;
  items: number;
  pages?: number;
  failed: number;
  more: boolean;
}

/** What Try read, in words: `the first 3 pages, 120 items, as the node would read them`. */
export function triedWords(tried: Tried, text: Text): string {
  const key =
    tried.mode === 'pages'
      ? tried.more
        ? 'ovh-request.try.triedFirstPages'
        : 'ovh-request.try.triedPages'
      : tried.more
        ? 'ovh-request.try.triedFirstItems'
        : 'ovh-request.try.triedItems';
  let words = text(key, { pages: tried.pages ?? 0, items: tried.items });
  if (tried.failed) words += ' ' + text('ovh-request.try.triedFailed', { count: tried.failed });
  return words;
}

/**
 * The values a path already holds for its operation's placeholders: `/domain/zone/example.com/record/{id}`
 * against `/domain/zone/{zoneName}/record/{id}` holds zoneName `example.com`.
 */
export function pathValues(template: string, path: string): Record<string, string> {
  const values: Record<string, string> = {};
  const parts = template.split('/');
  const segments = path.split('?')[0].split('/');
  if (parts.length !== segments.length) return values;
  parts.forEach((part, i) => {
    const name = /^\{([^{}/]+)\}$/.exec(part)?.[1];
    if (!name || /^\{.*\}$/.test(segments[i]) || segments[i] === '') return;
    try {
      values[name] = decodeURIComponent(segments[i]);
    } catch {
      values[name] = segments[i];
    }
  });
  return values;
}
