/**
 * Appending one list to another without spreading it into a call's arguments: `push(...list)`
 * passes every item on the stack, and a list of a few hundred thousand items (one page of an
 * answer, a description's fields) throws `RangeError: Maximum call stack size exceeded`.
 */
export function appendAll<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]);
  return target;
}
