/**
 * The request dialog checks a path in the browser with its own copy of the runtime's rules, and
 * the watch dialog with that same copy plus the watch's own rules: each dialog must give the
 * runtime's verdict on the same input, whatever it is.
 */
import 'should';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import fc from 'fast-check';
import { pathTemplateError } from '../../nodes/client';
import { watchPathProblem } from '../../nodes/calls/watch-path';
import { repoRoot } from '../helpers';

type Verdict = (value: unknown) => boolean;

/** A function of an editor file, as the browser runs it, in a context holding `globals`. */
function editorFunction(file: string, name: string, globals: Record<string, unknown> = {}): Verdict {
  const html = fs.readFileSync(path.join(repoRoot, 'nodes', file), 'utf8');
  const start = html.indexOf(`function ${name}(`);
  const end = html.indexOf('\n    }\n', start);
  if (start === -1 || end === -1) throw new Error(`${name} not found in ${file}`);
  return vm.runInNewContext(`(${html.slice(start, end + 6)})`, globals) as Verdict;
}

/** The request dialog's validPath. */
function editorValidPath(): Verdict {
  return editorFunction('ovh-request.html', 'validPath');
}

/** The watch dialog's check, with the rule the request dialog shares in the page (window.OvhCloudEditor). */
function editorWatchPathValid(): Verdict {
  return editorFunction('ovh-watch.html', 'watchPathValid', { window: { OvhCloudEditor: { validPath: editorValidPath() } } });
}

describe('path rules in the editor and the runtime', () => {
  const validPath = editorValidPath();
  const watchPathValid = editorWatchPathValid();
  const agree = (p: string) => {
    const runtime = pathTemplateError(p);
    validPath(p).should.equal(runtime === undefined, `request ${JSON.stringify(p)}: runtime says ${runtime ?? 'ok'}`);
    // The watch node trims its path, then checks it (ovh-watch.ts).
    const watchRuntime = watchPathProblem(p.trim(), (key) => key);
    watchPathValid(p).should.equal(
      watchRuntime === undefined,
      `watch ${JSON.stringify(p)}: runtime says ${watchRuntime ?? 'ok'}`,
    );
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
      '//me',
      '/sms/{serviceName}/incoming',
      '/sms/sms-ab12345-1/incoming?tag=x',
      '#',
      '/a/..',
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
