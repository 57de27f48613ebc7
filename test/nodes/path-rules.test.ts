/**
 * The request dialog checks a path in the browser with its own copy of the runtime's rules:
 * both must give the same verdict on the same input, whatever it is.
 */
import 'should';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import fc from 'fast-check';
import { pathTemplateError } from '../../nodes/client';
import { repoRoot } from '../helpers';

/** The dialog's validPath, taken from the editor file as the browser runs it. */
function editorValidPath(): (value: unknown) => boolean {
  const html = fs.readFileSync(path.join(repoRoot, 'nodes', 'ovh-request.html'), 'utf8');
  const start = html.indexOf('function validPath(');
  const end = html.indexOf('\n    }\n', start);
  if (start === -1 || end === -1) throw new Error('validPath not found in ovh-request.html');
  return vm.runInNewContext(`(${html.slice(start, end + 6)})`) as (value: unknown) => boolean;
}

describe('path rules in the editor and the runtime', () => {
  const validPath = editorValidPath();
  const agree = (p: string) => {
    const runtime = pathTemplateError(p);
    validPath(p).should.equal(runtime === undefined, `"${JSON.stringify(p)}": runtime says ${runtime ?? 'ok'}`);
  };

  it('agree on the paths people write and the mistakes they make', () => {
    for (const p of [
      '',
      '  ',
      '/me',
      ' /me ',
      '/domain/zone/{zoneName}/record/{id}',
      '/v2/iam/policy',
      '/1.0/me',
      '/me?x=1&y={a}',
      '/a/../b',
      '/a/%2e%2E/b',
      '/a/./b',
      '/a?x=../y',
      '//host/me',
      'me',
      'https://eu.api.ovh.com/1.0/me',
      '/a#b',
      '/a\\b',
      '/a\nb',
      '/a/{}',
      '/a/{ }',
      '/a/{b',
      '/a/b}',
      '/a/{b/c}',
      '/a/{{b}}',
      '/a/{b}{c}',
      '/é/✓',
      '/a b',
    ]) {
      agree(p);
    }
  });

  it('agree on any text made of the characters that matter (property-based)', () => {
    const char = fc.constantFrom(
      '/',
      '{',
      '}',
      '.',
      '%',
      '2',
      'e',
      'E',
      '?',
      '#',
      '\\',
      '\n',
      '\t',
      ' ',
      'a',
      'é',
      'v',
      '1',
      '0',
      '&',
      '=',
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 14 }), (chars) => agree(chars.join(''))),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 14 }), (chars) => agree('/' + chars.join(''))),
      { numRuns: 5000 },
    );
  });
});
