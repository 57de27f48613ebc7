/**
 * A placeholder's values from the deployed account (the list at its parent path), offered in a
 * menu to pick one: in a request's path row, and for a placeholder left in a watch's path.
 */
import { failureWords, mayWrite, post } from './admin';
import { requestText as text } from './i18n';

/** What account-routes.ts answers: the values, or why the key may not list them. */
interface ValuesAnswer {
  listPath: string;
  values: unknown[];
  refused?: string;
}

/** The question: which account, which path, which placeholder, and the values chosen before it. */
export interface ValuesQuestion {
  account: string;
  path: string;
  placeholder: string;
  params: Record<string, string>;
}

/** The button that opens the menu, disabled (with the reason) for a user who may only read. */
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
 * Asks for the values and shows them in a menu under `anchor`; `picked` gets the one chosen.
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
      const menu = RED.popover.menu({
        width: Math.max(200, anchor.outerWidth() || 0),
        maxHeight: 240,
        class: 'ovh-values-menu',
        // A value of the account's, shown as text.
        options: answer.values.map((value) => ({ value: String(value), label: $('<span>').text(String(value)) })),
        onselect: (option) => picked(option.value),
      });
      menu.show({ target: anchor });
    })
    .fail((xhr) => note(failureWords(xhr)));
}
