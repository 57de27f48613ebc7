/**
 * A node's path is checked where it is written (the request and watch dialogs, which bundle
 * client/path-rule.ts and watch-path.ts), at deploy, and on every call: the template check must
 * give the verdict of the call it stands for, whatever the text, and the watch's words must say
 * the watch's verdict.
 */
import 'should';
import fc from 'fast-check';
import { ApiBase, OvhInputError, buildUrl } from '../../nodes/client';
import { PLACEHOLDER, pathTemplateError } from '../../nodes/client/path-rule';
import { watchPathProblem, watchPathVerdict } from '../../nodes/calls/watch-path';

const base = new ApiBase('https://api.invalid/1.0');

/** What a call with this path does, every placeholder given a value: undefined when it is sent. */
function callRefusal(template: string): string | undefined {
  const path = template.trim();
  if (path === '') return undefined; // msg.path
  const params: Record<string, string> = {};
  for (const match of path.matchAll(PLACEHOLDER)) params[match[1].trim()] = 'x';
  try {
    buildUrl(base, path, params);
    return undefined;
  } catch (err) {
    if (err instanceof OvhInputError) return err.message;
    throw err;
  }
}

describe('path rules: the template check and the call', () => {
  const agree = (p: string) => {
    const template = pathTemplateError(p);
    const call = callRefusal(p);
    (template === undefined).should.equal(
      call === undefined,
      `${JSON.stringify(p)}: template says ${template ?? 'ok'}, call says ${call ?? 'ok'}`,
    );
    if (template !== undefined) template.should.equal(call);
    // The watch: its verdict in the runtime's words is the kind the dialog words.
    const trimmed = p.trim();
    const verdict = watchPathVerdict(trimmed);
    const words = watchPathProblem(trimmed, (key) => key);
    (verdict === undefined).should.equal(words === undefined);
    if (verdict?.kind === 'path') verdict.reason.should.equal(pathTemplateError(trimmed));
    if (verdict === undefined) (pathTemplateError(trimmed) === undefined && trimmed.startsWith('/')).should.be.true();
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

  it('the watch refuses what a call refuses, a path not from / and a placeholder left', () => {
    for (const refused of ['//me', '/a/../b', '/me#x', 'me', '', '/sms/{serviceName}/incoming']) {
      (watchPathVerdict(refused.trim()) !== undefined).should.be.true(refused);
    }
    watchPathVerdict('/sms/{serviceName}/incoming')!.should.eql({ kind: 'placeholder', placeholder: '{serviceName}' });
    watchPathVerdict('me')!.should.eql({ kind: 'no-path' });
    (watchPathVerdict('/sms/sms-ab12345-1/incoming?tag=x') === undefined).should.be.true();
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
