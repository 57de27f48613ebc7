/**
 * The request dialog's parameter rows on screen: one line per field (name, place, required
 * mark, a TypedInput value, its type and description), from the rules of rows.ts.
 */
import { requestText as text } from './i18n';
import { oneLine } from './operation';
import { VALUE_TYPES, ownField, rowsToShow, savedRow, shownValueType, type Field, type RowData, type SavedRow } from './rows';
import { offerValues, valuesButton } from './values';

/** The account and path the values of a path row are asked for. */
export type CallOf = () => { account: string; path: string };

/** The editableList's addItem: draws one row. */
export function addParameterRow(callOf: CallOf): (container: JQuery, index: number, data: Partial<RowData>) => void {
  return (container, _index, data) => {
    const field = data.field || ownField(); // the add button's row
    container.addClass('ovh-param-row').attr('data-name', field.name).attr('data-in', field.in);
    container.data('field', field);
    const line = $('<div class="ovh-param-line">').appendTo(container);
    if (field.custom) {
      container.addClass('ovh-param-custom');
      $('<input type="text" class="ovh-param-custom-name">')
        .attr('placeholder', text('ovh-request.parameters.name'))
        .val(field.name)
        .appendTo(line);
      const place = $('<select class="ovh-param-custom-place">').appendTo(line);
      for (const where of ['path', 'query', 'body']) $('<option>').val(where).text(where).appendTo(place);
      place.val(field.in);
    } else {
      $('<span class="ovh-param-name">')
        .text(field.name)
        .attr('title', field.description || field.name)
        .append(field.required ? $('<span class="ovh-param-required">').text(' *') : $())
        .appendTo(line);
      $('<span class="ovh-param-place">').text(field.in).appendTo(line);
      // The operation's rows come back with it: only one's own, and those the API no longer
      // vouches for (its description unavailable), can be removed.
      if (!field.leftover) container.parent().find('.red-ui-editableList-item-remove').hide();
    }
    const input = $('<input type="text" class="ovh-param-value">').appendTo(line);
    const types: TypedInputType[] = VALUE_TYPES.slice();
    if (field.enum && field.enum.length) {
      types.unshift({ value: 'enum', label: text('ovh-request.parameters.enum'), options: [''].concat(field.enum) });
    }
    const valueType = shownValueType(field, data.valueType, data.value);
    input.typedInput({ types, default: valueType });
    input.typedInput('type', valueType);
    input.typedInput('value', data.value === undefined ? '' : data.value);
    if (field.custom) return;
    if (field.in === 'path') {
      valuesButton((button) => {
        const valueBox = input.next('.red-ui-typedInput-container'); // the menu opens under the value
        const question = { ...callOf(), placeholder: field.name, params: chosenPathValues() };
        offerValues(question, valueBox.length ? valueBox : button, container, (value) => {
          // The rows may have been rebuilt meanwhile (the operation described again): the row of today.
          const current = $('.ovh-param-row')
            .filter(function () {
              return $(this).attr('data-name') === field.name && $(this).attr('data-in') === 'path';
            })
            .find('.ovh-param-value');
          current.typedInput('type', 'str');
          current.typedInput('value', value);
        });
      }).appendTo(line);
    }
    const info = field.type + (field.description ? ' - ' + oneLine(field.description) : '');
    $('<div class="ovh-param-info">')
      .text(info)
      .attr('title', field.description || '')
      .appendTo(container);
  };
}

/** The values typed so far in the path rows (as text), for a nested placeholder's list. */
function chosenPathValues(): Record<string, string> {
  const chosen: Record<string, string> = {};
  $('.ovh-param-row[data-in="path"]').each(function () {
    const value = $(this).find('.ovh-param-value');
    const name = $(this).attr('data-name');
    if (name && value.typedInput('type') === 'str' && value.typedInput('value')) chosen[name] = value.typedInput('value');
  });
  return chosen;
}

/** The rows as the node saves them (rows.ts savedRow), read from the list. */
export function savedRows(list: JQuery): SavedRow[] {
  const rows: SavedRow[] = [];
  if (!list.data('nodered-editableList')) return rows; // the dialog has closed
  list.editableList('items').each(function () {
    let field = $(this).data('field') as Field;
    if (field.custom) {
      field = {
        name: String($(this).find('.ovh-param-custom-name').val() || '').trim(),
        in: String($(this).find('.ovh-param-custom-place').val()),
        type: 'string',
        custom: true,
      };
    }
    const input = $(this).find('.ovh-param-value');
    const row = savedRow(field, input.typedInput('type'), input.typedInput('value'));
    if (row) rows.push(row);
  });
  return rows;
}

/** Rebuilds the rows for these fields (rows.ts rowsToShow), with the words around the list. */
export function showRows(list: JQuery, fields: Field[], kept: SavedRow[], described: boolean): void {
  if (!list.data('nodered-editableList')) return; // the dialog has closed
  list.editableList('empty');
  for (const row of rowsToShow(fields, kept, described)) list.editableList('addItem', row);
  const empty = list.editableList('length') === 0;
  $('.ovh-row-no-parameters')
    .toggle(empty)
    .text(text(described ? 'ovh-request.parameters.noneDescribed' : 'ovh-request.parameters.none'));
  $('.ovh-row-parameters-hint').toggle(!empty);
  list.parent().toggle(!empty); // the list's box; its add button stays
}
