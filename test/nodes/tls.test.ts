/** Certificate checks stay on, whatever a msg or the environment says. */
import 'should';
import { OvhSimulator } from '../simulator/simulator';
import { selfSignedCertificate } from '../helpers/tls';
import { helper, load, receive, requestFlow, signatureCredentials, useRuntime } from '../helpers/node-red';

describe('TLS through ovh-request', function () {
  this.timeout(30_000);
  let sim: OvhSimulator;
  useRuntime((started) => (sim = started), { tls: selfSignedCertificate() });

  it('refuses an untrusted certificate even when the msg asks not to check it', async () => {
    await load(requestFlow(sim, { path: '/me' }), signatureCredentials(sim));
    sim.resetCounters();
    const caught = receive('caught');
    helper.getNode('req').receive({ rejectUnauthorized: false, tls: { rejectUnauthorized: false }, insecure: true });
    (await caught)[0].error.message.should.match(/certificate/i);
    sim.count().should.equal(0);
  });

  it('refuses it even with NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment', async () => {
    // Node prints a warning when this variable is set: that is expected here.
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      await load(requestFlow(sim, { path: '/me' }), signatureCredentials(sim));
      sim.resetCounters();
      const caught = receive('caught');
      helper.getNode('req').receive({});
      (await caught)[0].error.message.should.match(/certificate/i);
      sim.count().should.equal(0);
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    }
  });
});
