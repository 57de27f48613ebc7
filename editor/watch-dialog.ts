/** The ovh-watch dialog: what its registration in ovh-watch.html delegates to. */
import { watchPathVerdict } from '../nodes/calls/watch-path';
import { apiOf, takeOnlyAccount } from './account';
import { pathAutoComplete } from './autocomplete';
import { messages, requestText, withinBounds } from './i18n';
import type { OperationDetail } from './operation';
import { OperationQuestions, showOperation, showUnavailable, whenTypingPauses } from './operation-panel';
import { pathValues } from './value-choices';
import { offerValues, valuesButton, type ValuesQuestion } from './values';

export { labelStyle } from './i18n';

type WatchNode = RedNode & { account?: string; path?: string; store?: string };

const text = messages('ovh-watch');

/** The interval's bounds, as the runtime hands them over (ovh-watch.ts). */
function intervalBound(): RedBound {
  return (RED.settings.ovhWatchBounds || {}).interval || { min: 1, max: 604800, default: 60 };
}

export const validInterval = withinBounds(intervalBound, true);

/** Why the watch cannot read this path, in the dialog's words (the runtime's rule, watch-path.ts); undefined: it can. */
function pathProblem(value: unknown): string | undefined {
  const path = typeof value === 'string' ? value.trim() : '';
  const verdict = watchPathVerdict(path);
  if (!verdict) return undefined;
  if (verdict.kind === 'no-path') return text('ovh-watch.errors.no-path');
  if (verdict.kind === 'placeholder') return text('ovh-watch.errors.placeholder', { placeholder: verdict.placeholder, path });
  return text('ovh-watch.errors.path');
}

/**
 * The path's validator. Says why, as the runtime would at start: Node-RED shows the text in a
 * tooltip on the field, as text (the browser test checks that the path is never read as HTML).
 */
export function validPath(value: unknown, opt?: unknown): boolean | string {
  const problem = pathProblem(value);
  if (problem === undefined) return true;
  return opt ? problem : false;
}

export function label(this: WatchNode): string {
  return this.name || 'watch ' + (this.path || '');
}

export function outputLabels(): string {
  return text('ovh-watch.label.send');
}

/** A /1.0 list of ids (long[], string[]): its items are only ids unless read as objects. */
function answersIds(operation: OperationDetail): boolean {
  return /^(long|string|double|int|ip|ipBlock)\[\]$/.test(operation.responseType || '');
}

export function prepare(this: WatchNode): void {
  const node = this;
  const pathInput = $('#node-input-path');
  const panel = $('#ovh-watch-operation');
  const account = () => String($('#node-input-account').val() || '');
  const currentPath = () => String(pathInput.val() || '').trim();
  takeOnlyAccount(node, $('#node-input-account'));
  $('#node-input-interval').spinner({ min: intervalBound().min, max: intervalBound().max });
  pathAutoComplete(pathInput, account, true);
  // The context stores Node-RED's settings define (a persistent one keeps what was seen across restarts).
  const select = $('#node-input-store');
  $('<option>').val('').text(text('ovh-watch.hint.store')).appendTo(select);
  for (const store of (RED.settings.context && RED.settings.context.stores) || []) {
    if (store !== 'default') $('<option>').val(store).text(store).appendTo(select);
  }
  select.val(node.store || '');

  let placeholderShown: string | undefined; // the path and account it was shown for
  /** A placeholder left in the path: named, with its values from the account to write one in. */
  function showPlaceholder(): void {
    const path = currentPath();
    // The same path again (the field left, a key that changed nothing): the button and its notes stay.
    if (path + ' ' + account() === placeholderShown) return;
    placeholderShown = path + ' ' + account();
    const verdict = watchPathVerdict(path);
    const placeholder = verdict && verdict.kind === 'placeholder' ? verdict.placeholder : undefined;
    $('#ovh-watch-placeholder')
      .text(placeholder ? text('ovh-watch.errors.placeholder', { placeholder, path }) : '')
      .toggle(!!placeholder);
    const values = $('#ovh-watch-values').empty().toggle(!!placeholder);
    if (!placeholder || !apiOf(account())) return;
    valuesButton((button) => {
      const name = placeholder.slice(1, -1).trim();
      // Labelled values where the path's operation says where they come from.
      const source = described && described.sources ? described.sources[name] : undefined;
      const params = described ? pathValues(described.path, path) : {};
      const question: ValuesQuestion = source
        ? { account: account(), field: name, source, params }
        : { account: account(), path, placeholder: name, params };
      offerValues(question, button, values, (value) => {
        pathInput.val(currentPath().replace(placeholder, value)).trigger('change');
      });
    })
      .append(document.createTextNode(' ' + requestText('ovh-request.parameters.values')))
      .appendTo(values);
  }

  const questions = new OperationQuestions();
  let described: OperationDetail | undefined; // the path's operation, as the catalogue last described it
  let shown: string | undefined; // the path, account and read the panel shows
  /**
   * What the GET is, from the runtime's catalogue: the request's panel (description, status
   * warnings, a path the API does not describe), what it answers, and a hint for a list of ids.
   */
  function askAboutCall(): void {
    const path = currentPath();
    const read = $('#node-input-read').val();
    const call = path + ' ' + account() + ' ' + read;
    if (call === shown) return;
    shown = call;
    const api = apiOf(account());
    described = undefined;
    const verdict = watchPathVerdict(path);
    if (api && verdict && verdict.kind === 'placeholder') {
      // A placeholder left: the path cannot be watched, but its operation says where the
      // placeholder's values come from (the picker's labels).
      panel.empty();
      questions.ask(
        { ...api, method: 'GET', path: path.split('?')[0] },
        (answer) => {
          described = answer.known ? answer.operation : undefined;
        },
        () => undefined,
      );
      return;
    }
    if (!api || pathProblem(path) !== undefined) {
      questions.forget();
      panel.empty();
      return;
    }
    const listPath = path.split('?')[0];
    questions.ask(
      { ...api, method: 'GET', path: listPath },
      (answer) => {
        described = answer.known ? answer.operation : undefined;
        showOperation(panel, answer, 'GET', {
          unknown: text('ovh-watch.operation.unknown', { path }),
          unknownClass: 'ovh-watch-warning',
          choose: (_method, replacement) => pathInput.val(replacement).trigger('change'),
          canChoose: (method) => method === 'GET',
          facts: (box, operation) => {
            $('<div class="ovh-watch-answer">')
              .text(text('ovh-watch.operation.answer', { type: operation.responseType || '?' }))
              .appendTo(box);
            if (operation.iamActions.length) {
              $('<div class="ovh-watch-iam">')
                .text(requestText('ovh-request.operation.iam') + ': ' + operation.iamActions.join(', '))
                .appendTo(box);
            }
            if (answersIds(operation) && read !== 'objects') {
              $('<div class="ovh-warning ovh-watch-hint">').text(text('ovh-watch.operation.ids')).appendTo(box);
            }
          },
        });
      },
      (xhr) => {
        described = undefined;
        shown = undefined; // asked again next time: the API may be back
        showUnavailable(panel, xhr);
      },
    );
  }
  const askAboutCallSoon = whenTypingPauses(askAboutCall);
  pathInput.on('change keyup', showPlaceholder);
  pathInput.on('change', askAboutCall);
  pathInput.on('keyup', askAboutCallSoon);
  $('#node-input-account').on('change', () => {
    showPlaceholder();
    askAboutCall();
  });
  $('#node-input-read').on('change', askAboutCall);
  showPlaceholder();
  askAboutCall();
}
