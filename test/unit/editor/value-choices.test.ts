/**
 * The values picker and Try as data (editor/value-choices.ts), without a browser: the choices and
 * their labels, the filter, the notes, the values passed to narrow a list, the body an operation
 * defaults to, and what Try says it read.
 */
import 'should';
import {
  choiceLine,
  choiceNotes,
  choicesOf,
  chosenValues,
  defaultBody,
  filterChoices,
  pathValues,
  takesBody,
  triedWords,
} from '../../../editor/value-choices';

/** The words as keys and substitutions, to see which message is said with what. */
const text = (key: string, substitutions?: Record<string, unknown>) => `${key} ${JSON.stringify(substitutions ?? {})}`;

describe('editor: value choices', () => {
  const answer = {
    listPath: '/domain/zone/example.com/record',
    values: [1001, 1002, 1003, { not: 'a value' }],
    labels: ['A · 203.0.113.10', 'www · A · 203.0.113.10', 'MX · 1 mx1.example.net.', 'x'],
  };

  it('pairs each value with its label, as text, leaving out what is not a value', () => {
    choicesOf(answer).should.eql([
      { value: '1001', label: 'A · 203.0.113.10' },
      { value: '1002', label: 'www · A · 203.0.113.10' },
      { value: '1003', label: 'MX · 1 mx1.example.net.' },
    ]);
    choicesOf({ listPath: '/domain/zone', values: ['example.com'] }).should.eql([{ value: 'example.com', label: '' }]);
  });

  it('drops the parts of a label that only repeat the value', () => {
    choicesOf({ listPath: '/r', values: ['GRA11'], labels: ['GRA11 · region · UP'] })[0].label.should.equal('region · UP');
  });

  it('shows a choice as its value and label', () => {
    choiceLine({ value: '1002', label: 'www · A' }).should.equal('1002 · www · A');
    choiceLine({ value: 'example.com', label: '' }).should.equal('example.com');
  });

  it('keeps the choices holding every word typed, in value or label, whatever the case', () => {
    const choices = choicesOf(answer);
    filterChoices(choices, 'WWW')
      .map((c) => c.value)
      .should.eql(['1002']);
    filterChoices(choices, '203 a')
      .map((c) => c.value)
      .should.eql(['1001', '1002']);
    filterChoices(choices, '1003')
      .map((c) => c.value)
      .should.eql(['1003']);
    filterChoices(choices, '  ').length.should.equal(3);
    filterChoices(choices, 'nothing').should.eql([]);
  });

  it('says when the list holds more, and how many are left unlabelled', () => {
    choiceNotes({ listPath: '/x', values: [1, 2], more: true, unlabelled: 1 }, text).should.eql([
      'ovh-request.parameters.more {"count":2}',
      'ovh-request.parameters.unlabelled {"count":1}',
    ]);
    choiceNotes({ listPath: '/x', values: [1] }, text).should.eql([]);
  });

  it("passes the literal values chosen in other rows, path, query and body alike, never the field's own", () => {
    chosenValues(
      [
        { name: 'serviceName', valueType: 'str', value: 'p1' },
        { name: 'region', valueType: 'str', value: 'GRA11' },
        { name: 'flavorId', valueType: 'str', value: 'old' },
        { name: 'imageId', valueType: 'msg', value: 'payload.image' },
        { name: 'name', valueType: 'str', value: '' },
      ],
      'flavorId',
    ).should.eql({ serviceName: 'p1', region: 'GRA11' });
  });

  it("reads the placeholders' values a path already holds", () => {
    pathValues('/domain/zone/{zoneName}/record/{id}', '/domain/zone/example.com/record/{id}').should.eql({
      zoneName: 'example.com',
    });
    pathValues('/a/{x}', '/a/b%20c').should.eql({ x: 'b c' });
    pathValues('/a/{x}', '/a/b/c').should.eql({});
  });

  describe('the body', () => {
    it('is none for an operation that takes none; back to msg.payload when the dialog had set it', () => {
      defaultBody(false, 'payload', false).should.eql({ body: 'none', setByDialog: true });
      defaultBody(true, 'none', true).should.eql({ body: 'payload', setByDialog: false });
    });

    it("keeps the person's own choice", () => {
      defaultBody(true, 'none', false).should.eql({ body: 'none', setByDialog: false });
      defaultBody(false, 'none', false).should.eql({ body: 'none', setByDialog: false });
      defaultBody(true, 'payload', false).should.eql({ body: 'payload', setByDialog: false });
    });

    it('is taken by an operation with a body parameter or body fields', () => {
      takesBody({ parameters: [{ in: 'path' }, { in: 'body' }] }, []).should.be.true();
      takesBody({ parameters: [] }, [{ in: 'body' }]).should.be.true(); // an answer shortened to fit
      takesBody({ parameters: [{ in: 'path' }] }, [{ in: 'path' }]).should.be.false();
    });
  });

  it('says what Try read of a list, and whether the node reads further', () => {
    triedWords({ mode: 'pages', pages: 3, items: 120, failed: 0, more: true }, text).should.equal(
      'ovh-request.try.triedFirstPages {"pages":3,"items":120}',
    );
    triedWords({ mode: 'pages', pages: 1, items: 4, failed: 0, more: false }, text).should.equal(
      'ovh-request.try.triedPages {"pages":1,"items":4}',
    );
    triedWords({ mode: 'expand', items: 50, failed: 2, more: true }, text).should.equal(
      'ovh-request.try.triedFirstItems {"pages":0,"items":50} ovh-request.try.triedFailed {"count":2}',
    );
  });
});
