/** The ovh-request dialog: what its registration in ovh-request.html delegates to. */
import { pathTemplateError } from '../nodes/client/path-rule';
import { BOUNDS, migrateRequestConfig, type RequestConfig } from '../nodes/calls/settings';
import { tryRows } from '../nodes/admin/try-rows';
import { apiOf, takeOnlyAccount } from './account';
import { failureText, mayWrite, post } from './admin';
import { pathAutoComplete } from './autocomplete';
import { escapeHtml, requestText as text, withinBounds } from './i18n';
import { chosenSuggestion } from './operation';
import { OperationQuestions, operationFacts, showOperation, showUnavailable, whenTypingPauses } from './operation-panel';
import { addParameterRow, savedRows, showRows } from './parameter-rows';
import { fieldsOfPath, placeholderFields, type Field, type SavedRow } from './rows';
import { defaultBody, takesBody, triedWords, type Tried } from './value-choices';
import type { OperationSources } from '../nodes/client/value-sources';

export { labelStyle } from './i18n';

/** The node as the editor holds it while its dialog is open. */
type RequestNode = RedNode & RequestConfig & { _(key: string): string; outputs?: number };

type BoundName = keyof typeof BOUNDS;
const NUMBER_SETTINGS: BoundName[] = ['concurrency', 'pageSize', 'maxPages', 'taskTimeout', 'repeatEvery'];

/** A number setting's bounds: the runtime's own (calls/settings.ts). */
export function bound(name: BoundName): RedBound {
  return BOUNDS[name];
}

/** A number setting's validator, for the node's defaults. */
export function validNumber(name: BoundName, emptyAllowed: boolean): (value: unknown) => boolean {
  return withinBounds(() => bound(name), emptyAllowed);
}

/** The path's validator: the runtime's rule for a path (empty: msg.path). */
export function validPath(this: RequestNode, value: unknown, opt?: unknown): boolean | string {
  if (typeof value === 'string' && pathTemplateError(value) === undefined) return true;
  if (value === undefined) return true;
  return opt ? this._('ovh-request.errors.path') : false;
}

/** Reading again would write again: "read again until" is for GET (or a method set by msg). */
export function validWait(this: RequestNode, value: unknown, opt?: unknown): boolean | string {
  const choice = $('#node-input-method');
  const method = choice.length ? choice.val() : this.method;
  if (value !== 'until' || method === 'GET' || method === 'msg' || !method) return true;
  return opt ? text('ovh-request.errors.until-method') : false;
}

/** Only for "read again until": a JSONata condition, checked as the runtime will prepare it. */
export function validUntil(this: RequestNode, value: unknown): boolean {
  const choice = $('#node-input-wait'); // in the open dialog, the choice being made; else the node's
  if ((choice.length ? choice.val() : this.wait) !== 'until') return true;
  if (typeof value !== 'string' || value.trim() === '') return false;
  return !RED.utils.validateTypedProperty || RED.utils.validateTypedProperty(value, 'jsonata') === true;
}

export function label(this: RequestNode): string {
  if (this.name) return this.name;
  const method = this.method === 'msg' ? 'msg.method' : this.method || 'GET';
  return method + ' ' + (this.path || 'msg.path');
}

export function outputLabels(this: RequestNode, index: number): string {
  return this._(index === 0 ? 'ovh-request.outputs.answer' : 'ovh-request.outputs.failure');
}

/** What Try answers (account-routes.ts). */
interface TryAnswer {
  ok: boolean;
  statusCode?: number;
  queryId?: string;
  error?: string;
  notSet?: string[];
  truncated?: boolean;
  answerText?: string;
  answer?: unknown;
  /** In the pages and expand modes: what was read of the list. */
  tried?: Tried;
}

/** How the node reads: Try reads the same way (its first pages or items). */
interface Reading {
  mode: string;
  pageSize: string;
}

/** The dialog's fields, each with where its values come from (the operation's `sources`). */
function withSources(fields: Field[], sources: OperationSources | undefined): Field[] {
  return fields.map((field) => (sources && sources[field.name] ? { ...field, source: sources[field.name] } : field));
}

/** Try: the call as configured, through the deployed account, without deploying. */
function tryCall(method: string, path: string, rows: SavedRow[], reading: Reading): void {
  const box = $('#ovh-try-result').empty().show().text(text('ovh-request.try.calling'));
  const call = { account: $('#node-input-account').val(), method, path, parameters: rows, ...reading };
  post<TryAnswer>('ovh-credentials/account/try', call)
    .done((answer) => {
      box.empty().attr('data-ok', String(answer.ok));
      const head = answer.ok
        ? text('ovh-request.try.status', { status: answer.statusCode, queryId: answer.queryId || '-' })
        : answer.error;
      $('<div class="ovh-try-head">')
        .toggleClass('ovh-error', !answer.ok)
        .text(head || '')
        .appendTo(box);
      if (answer.notSet && answer.notSet.length) {
        $('<div class="ovh-note">')
          .text(text('ovh-request.try.notSet', { names: answer.notSet.join(', ') }))
          .appendTo(box);
      }
      if (answer.tried) $('<div class="ovh-try-tried">').text(triedWords(answer.tried, text)).appendTo(box);
      if (!answer.ok) return;
      const details = $('<details open>').appendTo(box);
      $('<summary>')
        .text(text(answer.truncated ? 'ovh-request.try.truncated' : 'ovh-request.try.answer'))
        .appendTo(details);
      $('<pre class="ovh-try-answer">')
        .text(answer.truncated ? answer.answerText || '' : JSON.stringify(answer.answer, null, 2))
        .appendTo(details);
    })
    .fail((xhr) => {
      box.empty().attr('data-ok', 'false');
      $('<div class="ovh-try-head ovh-error">').text(failureText(xhr)).appendTo(box);
    });
}

/** The Try button: a read is made at once; a write is asked first, naming what it will not set. */
function onTry(method: string, path: string, rows: SavedRow[], reading: Reading): void {
  const result = $('#ovh-try-result');
  if (method === 'msg' || !path) {
    result.show().text(text('ovh-request.try.needsCall'));
    return;
  }
  const without = tryRows(rows, path);
  if (without.needed.length) {
    const first = without.needed[0];
    result
      .show()
      .attr('data-ok', 'false')
      .text(text('ovh-request.try.needsValue', { name: first.name, source: first.valueType + ' ' + first.value }));
    return;
  }
  if (method === 'GET') return tryCall(method, path, rows, reading);
  // The path and the names come from the flow: an element with text, as RED.notify sets a string as HTML.
  let question = text('ovh-request.try.confirm', { method, path });
  if (without.unset.length)
    question += ' ' + text('ovh-request.try.notSet', { names: without.unset.map((r) => r.name).join(', ') });
  const confirmation = RED.notify($('<p>').text(question), {
    modal: true,
    fixed: true,
    type: 'warning',
    buttons: [
      { text: escapeHtml(text('ovh-request.try.cancel')), click: () => confirmation.close() }, // a button's text is HTML
      {
        text: escapeHtml(text('ovh-request.try.confirmButton', { method })),
        class: 'primary ovh-try-confirm',
        click: () => {
          confirmation.close();
          tryCall(method, path, rows, reading);
        },
      },
    ],
  });
}

export function prepare(this: RequestNode): void {
  const node = this;
  // A node saved with an older form of a setting opens with today's.
  $('#node-input-wait').val(migrateRequestConfig(node).wait);
  $('#node-input-until').typedInput({ types: ['jsonata'] });
  for (const name of NUMBER_SETTINGS) $('#node-input-' + name).spinner({ min: bound(name).min, max: bound(name).max });
  takeOnlyAccount(node, $('#node-input-account'));
  const methodInput = $('#node-input-method');
  const pathInput = $('#node-input-path');
  const panel = $('#ovh-request-operation');
  const account = () => String($('#node-input-account').val() || '');
  const currentPath = () => String(pathInput.val() || '').trim();
  const list = $('#node-input-parameters-container').editableList({
    addButton: text('ovh-request.parameters.add'),
    removable: true,
    sortable: false,
    height: 'auto',
    addItem: addParameterRow(() => ({ account: account(), path: currentPath() })),
  });
  showRows(list, placeholderFields(node.path || ''), (node.parameters as SavedRow[]) || [], false);

  function refresh(): void {
    const method = methodInput.val();
    const mode = $('#node-input-mode').val();
    const wait = $('#node-input-wait').val();
    $('.ovh-row-body').toggle(method === 'POST' || method === 'PUT' || method === 'msg');
    $('.ovh-row-split').toggle(mode !== 'single');
    $('.ovh-row-pages').toggle(mode === 'pages' || mode === 'expand'); // expand reads objects a page at a time
    $('.ovh-row-expand').toggle(mode === 'expand');
    $('.ovh-row-task').toggle(mode === 'single');
    $('.ovh-row-until').toggle(mode === 'single' && wait === 'until');
    $('.ovh-row-task-timeout').toggle(mode === 'single' && wait !== 'none');
  }

  const questions = new OperationQuestions();
  let bodySetByDialog = false; // whether the body's choice is the dialog's (none for an operation without one)
  /** The body an operation defaults to (value-choices.ts defaultBody), said beside the choice. */
  function setBodyDefault(takes: boolean): void {
    const choice = defaultBody(takes, String($('#node-input-body').val()), bodySetByDialog);
    bodySetByDialog = choice.setByDialog;
    $('#node-input-body').val(choice.body);
    $('.ovh-body-note')
      .text(takes ? '' : text('ovh-request.body.noneTaken'))
      .toggle(!takes);
  }
  let shown: string | undefined; // the method, path and account the panel and rows show
  /** Asks the runtime what the method and path do, then shows it and the operation's rows. */
  function askAboutCall(): void {
    const method = String(methodInput.val());
    const path = currentPath();
    const api = apiOf(account());
    // The same call again (a key typed that changed nothing): the rows stay as they are, focus included.
    const call = method + ' ' + path + ' ' + account();
    if (call === shown) return;
    shown = call;
    $('#ovh-try-result').empty().hide(); // an answer to another call
    const placeholders = placeholderFields(path);
    if (method === 'msg' || !path || pathTemplateError(path) !== undefined || !api) {
      questions.forget();
      panel.empty().hide();
      showRows(list, placeholders, savedRows(list), false);
      return;
    }
    questions.ask(
      { ...api, method, path },
      (answer) => {
        showOperation(panel, answer, method, {
          unknown: text('ovh-request.operation.unknown', { method, path }),
          choose,
          canChoose: () => true,
          facts: operationFacts,
        });
        const fields = answer.known ? withSources(answer.fields, answer.operation.sources) : placeholders;
        showRows(list, fieldsOfPath(fields, path), savedRows(list), answer.known);
        if (answer.known) setBodyDefault(takesBody(answer.operation, answer.fields));
      },
      (xhr) => {
        shown = undefined; // asked again next time: the API may be back
        showUnavailable(panel, xhr);
        showRows(list, placeholders, savedRows(list), false);
      },
    );
  }
  const askAboutCallSoon = whenTypingPauses(askAboutCall);
  function choose(method: string, path: string): void {
    methodInput.val(method).trigger('change');
    // A change event also makes the editor check the path again (it saw "METHOD /path").
    pathInput.val(path).trigger('change');
  }
  pathAutoComplete(pathInput, account, false);
  if (!mayWrite()) $('#ovh-request-try').prop('disabled', true).attr('title', text('ovh-request.try.readOnly'));
  $('#ovh-request-try').on('click', (event) => {
    event.preventDefault();
    onTry(String(methodInput.val()), currentPath(), savedRows(list), {
      mode: String($('#node-input-mode').val() || 'single'),
      pageSize: String($('#node-input-pageSize').val() || ''),
    });
  });
  pathInput.on('change', () => {
    // A chosen suggestion reads "METHOD /path": it sets both.
    const chosen = chosenSuggestion(String(pathInput.val()));
    if (chosen) return choose(chosen.method, chosen.path);
    askAboutCallSoon();
  });
  pathInput.on('keyup', askAboutCallSoon);
  methodInput.on('change', () => {
    refresh();
    askAboutCallSoon();
  });
  $('#node-input-account').on('change', askAboutCallSoon);
  $('#node-input-mode, #node-input-wait').on('change', refresh);
  refresh();
  askAboutCall();
}

export function save(this: RequestNode): void {
  this.outputs = $('#node-input-errorOutput').prop('checked') ? 2 : 1;
  this.parameters = savedRows($('#node-input-parameters-container'));
  this.waitTask = false; // the choice says it now (migrateRequestConfig)
}
