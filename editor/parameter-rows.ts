/**
 * The request dialog's parameter rows on screen: one line per field (name, place, required
 * mark, a TypedInput value, its type and description), from the rules of rows.ts.
 */
import { requestText as text } from './i18n';
import { oneLine } from './operation';
import {
  VALUE_TYPES,
  emptyAllowed,
  ownField,
  rowsToShow,
  savedRow,
  shownValueType,
  startValue,
  type Field,
  type RowData,
  type SavedRow,
} from './rows';
import { chosenValues } from './value-choices';
import { offerValues, valuesButton, type ValuesQuestion } from './values';

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
    allowEmptyJson(input, emptyAllowed(field));
    input.typedInput('value', startValue(field, data.value));
    if (field.custom) return;
    if (field.in === 'path' || field.source) {
      valuesButton((button) => {
        const valueBox = input.next('.red-ui-typedInput-container'); // the picker opens under the value
        const params = chosenValues(rowValues(), field.name);
        const question: ValuesQuestion = field.source
          ? { account: callOf().account, field: field.name, source: field.source, params }
          : { ...callOf(), placeholder: field.name, params };
        offerValues(question, valueBox.length ? valueBox : button, container, (value) => {
          // The rows may have been rebuilt meanwhile (the operation described again): the row of today.
          const current = $('.ovh-param-row')
            .filter(function () {
              return $(this).attr('data-name') === field.name && $(this).attr('data-in') === field.in;
            })
            .find('.ovh-param-value');
          current.typedInput('type', 'str');
          current.typedInput('value', value);
        });
      }).appendTo(line);
    }
    const what =
      field.source && field.source.what
        ? text('ovh-request.parameters.what', { name: field.name, what: field.source.what }) + ' · '
        : '';
    const info = what + field.type + (field.description ? ' - ' + oneLine(field.description) : '');
    $('<div class="ovh-param-info">')
      .text(info)
      .attr('title', field.description || '')
      .appendTo(container);
  };
}

/**
 * An empty JSON value is fine in a row that may stay empty (it is then not sent): the TypedInput
 * outlines an empty JSON as invalid, so this row's JSON type accepts it. Its own copy of the
 * type: the editor's shared one is left as it is.
 */
function allowEmptyJson(input: JQuery, allowed: boolean): void {
  const widget = input.data('nodered-typedInput') as { typeMap?: Record<string, Record<string, unknown>> } | undefined;
  const json = widget && widget.typeMap && widget.typeMap.json;
  if (!allowed || !json || typeof json.validate !== 'function') return;
  const validate = json.validate as (value: string, options: unknown) => boolean | string;
  widget.typeMap!.json = { ...json, validate: (value: string, options: unknown) => value === '' || validate(value, options) };
}

/** The values typed so far in the rows, by name, type and value. */
function rowValues(): Array<{ name: string; valueType: string; value: string }> {
  const values: Array<{ name: string; valueType: string; value: string }> = [];
  $('.ovh-param-row').each(function () {
    const input = $(this).find('.ovh-param-value');
    const name = $(this).attr('data-name');
    if (!name || !input.data('nodered-typedInput')) return;
    values.push({ name, valueType: input.typedInput('type'), value: String(input.typedInput('value') ?? '') });
  });
  return values;
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
