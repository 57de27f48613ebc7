/**
 * The panel under a dialog's path: what the operation does and answers, its status warnings
 * (deprecated with its replacement, beta, alpha), or that the API does not describe it. Shared by
 * the request and watch dialogs; each adds its own facts.
 */
import type { ApiQuery } from './account';
import { failureText, get } from './admin';
import { requestText as text } from './i18n';
import { deletionOf, readReplacement, type OperationAnswer, type OperationDetail } from './operation';

/**
 * Questions to the catalogue about one operation, of which only the latest is answered: an
 * answer that comes back after a newer question (a path typed since) is dropped.
 */
export class OperationQuestions {
  private latest = 0;

  ask(
    query: ApiQuery & { method: string; path: string },
    answered: (answer: OperationAnswer) => void,
    failed: (xhr: JQuery.jqXHR) => void,
  ): void {
    const question = ++this.latest;
    get<OperationAnswer>('ovh-credentials/catalogue/operation', { ...query })
      .done((answer) => {
        if (question === this.latest) answered(answer);
      })
      .fail((xhr) => {
        if (question === this.latest) failed(xhr);
      });
  }

  /** No answer to a question already asked is shown any more. */
  forget(): void {
    this.latest++;
  }
}

/** What a dialog puts in the panel beside the shared parts. */
export interface PanelOptions {
  /** The words for a call the API does not describe. */
  unknown: string;
  /** The warning's classes beside `ovh-warning ovh-unknown`. */
  unknownClass?: string;
  /** Sets the dialog's call to a replacement; undefined for a method the dialog cannot take. */
  choose(method: string, path: string): void;
  canChoose(method: string): boolean;
  /** The facts of a described operation (what it answers, its IAM actions...). */
  facts(panel: JQuery, operation: OperationDetail): void;
}

/** Shows the catalogue's answer about `method path` in `panel`. */
export function showOperation(panel: JQuery, answer: OperationAnswer, method: string, options: PanelOptions): void {
  panel.empty().show();
  if (answer.stale) $('<div class="ovh-note">').text(text('ovh-request.operation.stale')).appendTo(panel);
  if (!answer.known) {
    $('<div class="ovh-warning ovh-unknown">')
      .addClass(options.unknownClass || '')
      .text(options.unknown)
      .appendTo(panel);
    return;
  }
  const operation = answer.operation;
  if (operation.status === 'DEPRECATED') showDeprecation(panel, operation, method, options);
  else if (operation.status === 'BETA' || operation.status === 'ALPHA') {
    $('<div class="ovh-warning ovh-beta">')
      .text(text(operation.status === 'BETA' ? 'ovh-request.operation.status-BETA' : 'ovh-request.operation.status-ALPHA'))
      .appendTo(panel);
  }
  $('<div class="ovh-operation-description">')
    .text(operation.description || '')
    .appendTo(panel);
  options.facts(panel, operation);
}

/** A deprecated operation: when it goes, and a link to its replacement. */
function showDeprecation(panel: JQuery, operation: OperationDetail, method: string, options: PanelOptions): void {
  const deprecation = operation.deprecation || {};
  const warning = $('<div class="ovh-warning ovh-deprecated">').appendTo(panel);
  const deletion = deletionOf(deprecation.deletionDate, new Date());
  warning.text(
    !deletion
      ? text('ovh-request.operation.deprecated-nodate')
      : text(deletion.past ? 'ovh-request.operation.deprecated-past' : 'ovh-request.operation.deprecated', {
          date: deletion.date,
        }),
  );
  const replacement = readReplacement(deprecation.replacement, method);
  if (!replacement) return;
  warning.append(document.createTextNode(' ' + text('ovh-request.operation.replacement') + ' '));
  const named = replacement.method + ' ' + replacement.path;
  if (!options.canChoose(replacement.method)) {
    $('<code>').text(named).appendTo(warning);
    return;
  }
  $('<a href="#" class="ovh-replacement">')
    .text(named)
    .on('click', (event) => {
      event.preventDefault();
      options.choose(replacement.method, replacement.path);
    })
    .appendTo(warning);
}

/** The catalogue could not answer: said in the panel, with the reason. */
export function showUnavailable(panel: JQuery, xhr: JQuery.jqXHR): void {
  panel.empty().show();
  $('<div class="ovh-note">')
    .text(text('ovh-request.operation.unavailable', { reason: failureText(xhr) }))
    .appendTo(panel);
}

/** The request's facts: what the operation answers and its IAM actions, as a list of terms. */
export function operationFacts(panel: JQuery, operation: OperationDetail): void {
  const facts = $('<dl class="ovh-operation-facts">').appendTo(panel);
  $('<dt>').text(text('ovh-request.operation.answers')).appendTo(facts);
  $('<dd>')
    .append($('<code>').text(operation.responseType || 'void'))
    .appendTo(facts);
  if (operation.iamActions.length) {
    $('<dt>').text(text('ovh-request.operation.iam')).appendTo(facts);
    $('<dd>').text(operation.iamActions.join(', ')).appendTo(facts);
  }
}

/** Runs `run` once typing pauses: each call puts it off again. */
export function whenTypingPauses(run: () => void, ms = 250): () => void {
  let later: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(later);
    later = setTimeout(run, ms);
  };
}
