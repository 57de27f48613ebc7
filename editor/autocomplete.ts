/** The path field's suggestions: the API's operations as the path or words are typed. */
import { apiOf } from './account';
import { get } from './admin';
import { requestText } from './i18n';
import {
  markedPieces,
  searchAdvice,
  offeredOperations,
  oneLine,
  type Marks,
  type OperationSummary,
  type SearchAnswer,
} from './operation';

/** The suggestion list's margin inside the dialog, each side. */
const LIST_MARGIN = 10;

/**
 * The suggestion list as wide as the dialog, so whole paths are read (Node-RED makes it as wide
 * as the field): set once it is drawn, from the dialog's box.
 */
function widenSuggestions(input: JQuery): void {
  setTimeout(() => {
    const list = $('.red-ui-autoComplete-container:has(.ovh-suggestion)');
    const dialog = input.closest('.red-ui-tray-body, .red-ui-editor');
    const box = dialog.offset();
    const width = dialog.innerWidth();
    if (!list.length || !box || !width) return;
    list.css({ left: box.left + LIST_MARGIN + 'px', width: width - 2 * LIST_MARGIN + 'px' });
  }, 0);
}

/** How long before asking again while the catalogue still loads some of the API's families. */
const RETRY_MS = 800;

/** A text with the words the query matched marked: each piece as text, never as markup. */
function marked(element: JQuery, value: string, marks: Marks | undefined): JQuery {
  for (const piece of markedPieces(value, marks)) {
    if (piece.marked) $('<mark class="ovh-match">').text(piece.text).appendTo(element);
    else element.append(document.createTextNode(piece.text));
  }
  return element;
}

/** A request's suggestion: method, path, status (when not production) and a line of description. */
function operationSuggestion(operation: OperationSummary): AutoCompleteOption {
  const el = $('<div class="ovh-suggestion">');
  $('<span class="ovh-method">').text(operation.method).appendTo(el);
  marked($('<code class="ovh-suggestion-path">'), operation.path, operation.marks?.path).appendTo(el);
  if (operation.status && operation.status !== 'PRODUCTION') {
    $('<span class="ovh-status">')
      .addClass('ovh-status-' + operation.status)
      .text(operation.status)
      .appendTo(el);
  }
  marked($('<div class="ovh-suggestion-description">'), oneLine(operation.description), operation.marks?.description).appendTo(
    el,
  );
  return { value: operation.method + ' ' + operation.path, label: el };
}

/** A watch's suggestion: the path (the method is always GET) and a line of description. */
function pathSuggestion(operation: OperationSummary): AutoCompleteOption {
  const el = $('<div class="ovh-suggestion ovh-suggestion-get">');
  marked($('<code class="ovh-suggestion-path">'), operation.path, operation.marks?.path).appendTo(el);
  marked($('<div class="ovh-suggestion-description">'), oneLine(operation.description), operation.marks?.description).appendTo(
    el,
  );
  return { value: operation.path, label: el };
}

/** The line under the path that says words found nothing, and which to drop; empty otherwise. */
function searchNote(input: JQuery): JQuery {
  // After the field's row, not beside the field: the field and its row stay as the dialog made them.
  const row = input.closest('.form-row');
  const anchor = row.length > 0 ? row : input;
  let note = anchor.next('.ovh-search-note');
  if (note.length === 0) note = $('<div class="ovh-search-note">').hide().insertAfter(anchor);
  return note;
}

function sayNothingFound(input: JQuery, found: SearchAnswer | undefined): void {
  const advice = found && searchAdvice(found);
  const note = searchNote(input);
  if (!advice) {
    note.text('').hide();
    return;
  }
  const words = advice.unmatched.join(', ');
  let key = 'ovh-request.search.nothing';
  if (advice.nothing && words) key = 'ovh-request.search.nothing-unmatched';
  else if (!advice.nothing) key = 'ovh-request.search.unmatched';
  note.text(requestText(key, { words })).show();
}

/**
 * Suggestions under `input`, by path when it starts with /, else by words, from the account's
 * catalogue. While families still load, asks again. `getOnly` (the watch): GET operations only,
 * and choosing one sets the path alone; else the value reads "METHOD /path".
 */
export function pathAutoComplete(input: JQuery, account: () => string | undefined, getOnly: boolean): void {
  let retry: ReturnType<typeof setTimeout> | undefined;
  input.autoComplete({
    minLength: 2,
    search(value, done) {
      const api = apiOf(account());
      clearTimeout(retry);
      sayNothingFound(input, undefined);
      if (!api) return done([]);
      // A watch reads only: the search keeps GETs (the same ranking, limited to GET).
      const query = getOnly ? { ...api, q: value, method: 'GET' } : { ...api, q: value };
      get<SearchAnswer>('ovh-credentials/catalogue/search', query)
        .done((found) => {
          sayNothingFound(input, found);
          done(offeredOperations(found, getOnly).map(getOnly ? pathSuggestion : operationSuggestion));
          widenSuggestions(input);
          if (found.loading) {
            retry = setTimeout(() => {
              if (input.val() === value && input.is(':focus')) input.trigger($.Event('keyup', { keyCode: 0 }));
            }, RETRY_MS);
          }
        })
        .fail(() => done([]));
    },
  });
}
