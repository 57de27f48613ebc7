/**
 * The values a field can take, from the deployed account, offered in a picker to choose one:
 * each value with what names it (`1002 · www · A · 203.0.113.10`), filtered as one types. For a
 * request's path placeholder and body or query fields that have a source in the API's
 * description (value-sources.ts), and a placeholder left in a watch's path.
 */
import type { ValueSource } from '../nodes/client/value-sources';
import { failureWords, mayWrite, post } from './admin';
import { requestText as text } from './i18n';
import { choiceLine, choiceNotes, choicesOf, filterChoices, type Choice, type ValuesAnswer } from './value-choices';

/**
 * The question: which account, and either the field and its source as the operation's
 * description gave it, or (no source known) the path and the placeholder whose parent list
 * holds its values; with the values chosen so far, by name.
 */
export type ValuesQuestion = { account: string; params: Record<string, string> } & (
  { field: string; source: ValueSource } | { path: string; placeholder: string }
);

/** The picker's least width: a value and its label side by side. */
const MIN_WIDTH = 340;

/** At most so many lines drawn at once: the filter finds the others. */
const MOST_SHOWN = 200;

/** The button that opens the picker, disabled (with the reason) for a user who may only read. */
export function valuesButton(open: (button: JQuery) => void): JQuery {
  const allowed = mayWrite();
  return $('<button type="button" class="red-ui-button red-ui-button-small ovh-param-values">')
    .attr('title', text(allowed ? 'ovh-request.parameters.values' : 'ovh-request.try.readOnly'))
    .prop('disabled', !allowed)
    .append('<i class="fa fa-caret-down"></i>')
    .on('click', function (event) {
      event.preventDefault();
      open($(this));
    });
}

/**
 * Asks for the values and shows them in a picker under `anchor`; `picked` gets the one chosen.
 * What stops it (a refusal, no values, a failure) is said in a note in `notes`.
 */
export function offerValues(question: ValuesQuestion, anchor: JQuery, notes: JQuery, picked: (value: string) => void): void {
  notes.find('.ovh-param-note').remove();
  const note = (words: string) => {
    $('<div class="ovh-param-note">').text(words).appendTo(notes);
  };
  post<ValuesAnswer>('ovh-credentials/account/values', question)
    .done((answer) => {
      if (answer.refused) return note(text('ovh-request.parameters.refused', { path: answer.listPath, reason: answer.refused }));
      if (!answer.values.length) return note(text('ovh-request.parameters.noValues', { path: answer.listPath }));
      showPicker(answer, anchor, picked);
    })
    .fail((xhr) => note(failureWords(xhr)));
}

/** The picker: a filter, the values with their labels, and what it leaves out. */
function showPicker(answer: ValuesAnswer, anchor: JQuery, picked: (value: string) => void): void {
  const choices = choicesOf(answer);
  const box = $('<div class="ovh-values-menu">').css('width', Math.max(MIN_WIDTH, anchor.outerWidth() || 0));
  const filter = $('<input type="text" class="ovh-values-filter">')
    .attr('placeholder', text('ovh-request.parameters.filter'))
    .appendTo(box);
  const list = $('<ul class="ovh-values-list">').appendTo(box);
  const notes = $('<div class="ovh-values-notes">').appendTo(box);
  for (const words of choiceNotes(answer, text)) $('<div>').text(words).appendTo(notes);
  const panel = RED.popover.panel(box);
  const choose = (choice: Choice) => {
    panel.hide();
    picked(choice.value);
  };
  const draw = () => {
    list.empty();
    const shown = filterChoices(choices, String(filter.val() || ''));
    for (const choice of shown.slice(0, MOST_SHOWN)) {
      $('<li class="ovh-values-choice">')
        .attr('data-value', choice.value)
        .attr('title', choiceLine(choice))
        .append($('<span class="ovh-values-value">').text(choice.value))
        .append(choice.label ? $('<span class="ovh-values-label">').text(choice.label) : $())
        .on('click', () => choose(choice))
        .appendTo(list);
    }
    if (!shown.length) $('<li class="ovh-values-none">').text(text('ovh-request.parameters.noMatch')).appendTo(list);
    return shown;
  };
  filter.on('input', () => draw());
  filter.on('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation(); // the picker closes, not the dialog
      panel.hide();
    }
    if (event.key !== 'Enter') return;
    // Chosen here only: the field goes with the picker, and the dialog's own keys see nothing.
    event.preventDefault();
    event.stopPropagation();
    const [first] = filterChoices(choices, String(filter.val() || ''));
    if (first) choose(first);
  });
  draw();
  panel.show({ target: anchor });
  filter.trigger('focus');
}
