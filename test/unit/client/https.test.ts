import 'should';
import { OvhNetworkError } from '../../../nodes/client';
import { OvhSimulator } from '../../simulator/simulator';
import { clientFor, connectProxy, rejection } from '../../helpers';
import { selfSignedCertificate } from '../../helpers/tls';

describe('OvhClient over HTTPS', () => {
  let sim: OvhSimulator;
  let cert: string;

  before(async () => {
    const tls = selfSignedCertificate();
    cert = tls.cert;
    sim = await OvhSimulator.start({ tls });
  });
  after(() => sim.close());

  it('makes signed calls over TLS when the certificate is trusted', async () => {
    const c = clientFor(sim, { ca: cert });
    try {
      sim.baseUrl.should.startWith('https://127.0.0.1:');
      (await c.get<{ nichandle: string }>('/me')).nichandle.should.equal('xx1234-ovh');
      (
        await c.post<{ ids: number[] }>('/sms/sms-ab12345-1/jobs', { message: 'über', receivers: ['+33601020304'] })
      ).ids.length.should.equal(1);
    } finally {
      await c.close();
    }
  });

  it('checks certificates: an untrusted one is a network error, never ignored', async () => {
    sim.resetCounters();
    const c = clientFor(sim, { retry: { maxAttempts: 1 } });
    try {
      const err = (await rejection(c.get('/me'))) as unknown as OvhNetworkError;
      err.should.be.instanceOf(OvhNetworkError);
      err.message.should.match(/self[- ]signed|certificate/i);
      sim.count({ path: '/1.0/me' }).should.equal(0);
    } finally {
      await c.close();
    }
  });

  it('trusts the given CA through a proxy from the environment too, and only it', async () => {
    const proxy = await connectProxy();
    const saved = { https_proxy: process.env.https_proxy, no_proxy: process.env.no_proxy };
    process.env.https_proxy = proxy.url;
    delete process.env.no_proxy;
    const trusting = clientFor(sim, { ca: cert });
    const untrusting = clientFor(sim, { retry: { maxAttempts: 1 } });
    try {
      (await trusting.get<{ nichandle: string }>('/me')).nichandle.should.equal('xx1234-ovh');
      proxy.tunnels.length.should.be.above(0);
      (await rejection(untrusting.get('/me'))).message.should.match(/self[- ]signed|certificate/i);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await Promise.all([trusting.close(), untrusting.close()]);
      await proxy.close();
    }
  });
});
