/**
 * The dialogs' readings of the catalogue's answers (editor/operation.ts), without a browser: the
 * suggestions offered, a deprecated operation's replacement and date, a chosen suggestion.
 */
import 'should';
import { chosenSuggestion, deletionOf, offeredOperations, oneLine, readReplacement } from '../../../editor/operation';

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
});
