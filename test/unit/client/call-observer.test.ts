/** The bodies a call observer is given: secrets masked, then cut, never a secret cut in half and left. */
import 'should';
import { MOST_BODY_CHARS, observedBody } from '../../../nodes/client/call-observer';
import { Secrets } from '../../../nodes/client/redact';

describe('call observer bodies', () => {
  const secret = 'consumer-key-0123456789abcdef0123456789';
  const secrets = Secrets.of([secret]);

  it('masks every secret of a short body', () => {
    observedBody(`{"a":"${secret}","b":"${secret}"}`, secrets).should.equal('{"a":"[secret]","b":"[secret]"}');
  });

  it('cuts a long body, and never leaves a piece of a secret that straddles the cut, wherever it falls', () => {
    for (let at = MOST_BODY_CHARS - secret.length - 2; at <= MOST_BODY_CHARS + 2; at++) {
      const text = 'a'.repeat(at) + secret + 'b'.repeat(MOST_BODY_CHARS);
      const shown = observedBody(text, secrets);
      shown.length.should.be.belowOrEqual(MOST_BODY_CHARS + 40);
      shown.should.endWith(`... (${text.length} characters)`);
      shown.should.not.containEql(secret.slice(0, 4));
    }
  });

  it('cuts a long body of many secrets, each masked whole', () => {
    const text = Array.from({ length: 2000 }, () => secret).join(',');
    const shown = observedBody(text, secrets);
    shown.should.match(/^(\[secret\],)+(\[secret\]|\[secret|\[secre|\[secr|\[sec|\[se|\[s|\[|)(,)?\.\.\. \(\d+ characters\)$/);
    shown.should.not.containEql('consumer');
  });
});
