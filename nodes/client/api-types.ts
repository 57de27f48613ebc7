/**
 * The API's primitive types, by what a value of each must become. No import: the editor's
 * dialogs bundle it to choose a row's type as the runtime converts its value.
 */
export const INTEGER = new Set(['long', 'int', 'integer']);
export const DECIMAL = new Set(['double', 'float', 'number']);
export const TEXT = new Set([
  'string',
  'password',
  'text',
  'ip',
  'ipv4',
  'ipv6',
  'ipBlock',
  'ipv4Block',
  'ipv6Block',
  'uuid',
  'date',
  'datetime',
  'time',
  'duration',
  'phoneNumber',
  'internationalPhoneNumber',
  'macAddress',
]);

/** Whether a value of this type is sent as a number (`long`, `double`...). */
export function isNumberType(type: string): boolean {
  return INTEGER.has(type) || DECIMAL.has(type);
}
