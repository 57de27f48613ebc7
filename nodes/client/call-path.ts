/**
 * Where a call's path sits in the API: its branch, and the path as the API's description and its
 * access rules write it. A leaf: errors, rules and the catalogue all read it.
 */

export type Branch = '1.0' | 'v2';

/**
 * Where a call's path sits in the catalogue: its branch, and the path as operations are written
 * (query dropped; a `/1.0/` or `/v1/` prefix dropped; `/v2/` kept).
 */
export function locate(callPath: string): { branch: Branch; path: string } {
  const path = callPath.split('?')[0].replace(/^\/(1\.0|v1)(?=\/)/, '');
  return { branch: path.startsWith('/v2/') ? 'v2' : '1.0', path };
}
