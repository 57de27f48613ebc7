/**
 * The dialogs' readings of the catalogue's answers (editor/operation.ts), without a browser: the
 * suggestions offered, a deprecated operation's replacement and date, a chosen suggestion.
 */
import should from 'should';
import {
  chosenSuggestion,
  deletionOf,
  markedPieces,
  searchAdvice,
  offeredOperations,
  oneLine,
  readReplacement,
} from '../../../editor/operation';

describe('editor: operations from the catalogue', () => {
  const found = {
    operations: [
      { method: 'GET', path: '/sms/{serviceName}/incoming/{id}' },
      { method: 'DELETE', path: '/sms/{serviceName}/incoming/{id}' },
      { method: 'POST', path: '/sms/{serviceName}/jobs' },
      { method: 'GET', path: '/sms/{serviceName}/incoming' },
      { method: 'GET', path: '/sms/{serviceName}/incoming/{id}' }, // a second branch's copy
    ],
  };

  it("offers the request every operation, in the catalogue's ranking", () => {
    offeredOperations(found, false).should.equal(found.operations);
  });

  it('offers the watch the GETs only, each path once, still best first', () => {
    offeredOperations(found, true)
      .map((o) => o.path)
      .should.eql(['/sms/{serviceName}/incoming/{id}', '/sms/{serviceName}/incoming']);
  });

  it("reads a replacement as the API writes it, on the dialog's method unless it names one", () => {
    readReplacement('/1.0/domain/zone/{zoneName}/dnssec', 'GET')!.should.eql({
      method: 'GET',
      path: '/domain/zone/{zoneName}/dnssec',
    });
    readReplacement('POST /order/cart', 'GET')!.should.eql({ method: 'POST', path: '/order/cart' });
    readReplacement(' /v2/iam/policy ', 'DELETE')!.should.eql({ method: 'DELETE', path: '/v2/iam/policy' });
    readReplacement('/1.0', 'GET')!.should.eql({ method: 'GET', path: '/1.0' }); // no path after the version
    for (const words of [undefined, '', 'use the new API', 'PATCH /x', 'GET /a b', 'javascript:alert(1)']) {
      (readReplacement(words, 'GET') === undefined).should.be.true(String(words));
    }
  });

  it('says when a deprecated operation goes, and whether that day has passed', () => {
    const today = new Date('2026-12-02T10:00:00Z');
    deletionOf('2027-01-31T00:00:00+01:00', today)!.should.eql({ date: '2027-01-31', past: false });
    deletionOf('2026-12-01', today)!.should.eql({ date: '2026-12-01', past: true });
    deletionOf('2026-12-02', today)!.should.eql({ date: '2026-12-02', past: false }); // the day itself: not yet gone
    (deletionOf(undefined, today) === undefined).should.be.true();
    (deletionOf('', today) === undefined).should.be.true();
  });

  it('reads a chosen suggestion as a method and a path, and nothing else', () => {
    chosenSuggestion('DELETE /domain/zone/{zoneName}/record/{id}')!.should.eql({
      method: 'DELETE',
      path: '/domain/zone/{zoneName}/record/{id}',
    });
    for (const typed of ['/me', 'GET me', 'GET /a b', 'PATCH /me', 'get /me'])
      (chosenSuggestion(typed) === undefined).should.be.true(typed);
  });

  it('keeps one line of a description, short enough for a list', () => {
    oneLine('First line\nsecond').should.equal('First line');
    oneLine('x'.repeat(200)).should.have.length(110);
    oneLine(undefined).should.equal('');
  });

  it('cuts a suggestion into pieces, the words that matched marked, whatever ranges come', () => {
    markedPieces('/dedicated/server/{serviceName}/reboot', [
      [1, 10],
      [11, 17],
      [32, 38],
    ]).should.eql([
      { text: '/', marked: false },
      { text: 'dedicated', marked: true },
      { text: '/', marked: false },
      { text: 'server', marked: true },
      { text: '/{serviceName}/', marked: false },
      { text: 'reboot', marked: true },
    ]);
    // A description cut for one row: ranges past its end are left out, one across it is cut.
    markedPieces('Reboot the...', [
      [0, 6],
      [11, 40],
      [60, 70],
    ]).should.eql([
      { text: 'Reboot', marked: true },
      { text: ' the.', marked: false },
      { text: '..', marked: true },
    ]);
    // Overlapping or unordered ranges are skipped, never repeated.
    markedPieces('abcdef', [
      [2, 4],
      [1, 3],
      [0, 1],
    ]).should.eql([
      { text: 'ab', marked: false },
      { text: 'cd', marked: true },
      { text: 'ef', marked: false },
    ]);
    markedPieces('', undefined).should.eql([{ text: '', marked: false }]);
  });

  it('says what words found nothing, only once the families are all loaded', () => {
    should(searchAdvice({ operations: [{ method: 'GET', path: '/me' }], unmatched: [] })).be.undefined();
    should(searchAdvice({ operations: [], nothingMatches: true, loading: true, unmatched: ['x'] })).be.undefined();
    searchAdvice({ operations: [], nothingMatches: true, unmatched: ['zxqvbn'] })!.should.eql({
      nothing: true,
      unmatched: ['zxqvbn'],
    });
    searchAdvice({ operations: [], nothingMatches: true })!.should.eql({ nothing: true, unmatched: [] });
    // Some words matched: the others are named, to be dropped.
    searchAdvice({ operations: [{ method: 'POST', path: '/x' }], unmatched: ['zxqvbn'] })!.should.eql({
      nothing: false,
      unmatched: ['zxqvbn'],
    });
  });
});
