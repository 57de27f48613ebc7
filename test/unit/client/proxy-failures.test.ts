/**
 * A proxy's own failures, through a real proxy (npm `proxy`), as the retry rules see them: a 407
 * or a 403 to CONNECT is the proxy's refusal, never retried (whatever the method); a proxy that
 * is down, or that cannot reach the API, delivered nothing, so even a POST may be sent again;
 * each error names the proxy, never its password.
 */
import 'should';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OvhClient } from '../../../nodes/client';
import type { OvhSimulator } from '../../simulator/simulator';
import { clientFor, rejection, startSimulator } from '../../helpers';
import { closedPortUrl, startRecordingProxy, type RecordingProxy } from '../../helpers/real-proxy';

describe('failures of a proxy', function () {
  this.timeout(20_000);
  let sim: OvhSimulator;
  let guarded: RecordingProxy;
  let open: RecordingProxy;
  const clients: OvhClient[] = [];
  const client = (options: Parameters<typeof clientFor>[1]) => {
    const c = clientFor(sim, options);
    clients.push(c);
    return c;
  };
  before(async () => {
    sim = await startSimulator();
    guarded = await startRecordingProxy({ user: 'user', password: 'right-Pa55word' });
    open = await startRecordingProxy();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    guarded.reset();
    open.reset();
  });
  after(async () => {
    await guarded.close();
    await open.close();
    await sim.close();
  });

  it('reports a 407 once, a GET as a POST, without the password', async () => {
    for (const method of ['GET', 'POST'] as const) {
      guarded.reset();
      const err = await rejection(
        client({ proxy: { url: guarded.url, user: 'user', password: 'wrong-Pa55word' } }).request(method, '/me', {}),
      );
      err.message.should.match(new RegExp(`the proxy ${guarded.url} refused its user name and password \\(407\\)`));
      err.message.should.not.containEql('wrong-Pa55word');
      err.code!.should.equal('PROXY_AUTHENTICATION');
      guarded.connects.length.should.equal(1);
    }
    const none = await rejection(client({ proxy: guarded.url }).get('/me'));
    none.message.should.match(/asks for a user name and password \(407 Proxy Authentication Required\)/);
    guarded.connects.length.should.equal(2);
  });

  it('never retries a proxy that forbids the host (403)', async () => {
    const forbidding = http.createServer();
    forbidding.on('connect', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
    let connects = 0;
    forbidding.on('connect', () => connects++);
    await new Promise<void>((resolve) => forbidding.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(forbidding.address() as AddressInfo).port}`;
      const err = await rejection(client({ proxy: url }).get('/me'));
      err.message.should.match(new RegExp(`the proxy ${url} refused a tunnel to 127.0.0.1:\\d+ \\(403\\)`));
      connects.should.equal(1);
    } finally {
      forbidding.closeAllConnections();
      await new Promise((resolve) => forbidding.close(resolve));
    }
  });

  it('retries a POST when the proxy is down: nothing was delivered', async () => {
    const down = await closedPortUrl();
    const err = await rejection(client({ proxy: down, retry: { maxAttempts: 3 } }).post('/me/contact', {}));
    err.message.should.match(new RegExp(`the proxy ${down} refused the connection: is it running\\?`));
    err.attempts!.should.equal(3);
  });

  it('retries a POST when the proxy cannot reach the API, and says so', async () => {
    const nowhere = await closedPortUrl();
    const err = await rejection(
      client({ endpoint: `${nowhere}/1.0`, proxy: open.url, retry: { maxAttempts: 3 } }).post('/me/contact', {}),
    );
    err.message.should.match(
      new RegExp(`the proxy ${open.url} could not reach ${new URL(nowhere).host} \\(it answered 500 to CONNECT\\)`),
    );
    err.attempts!.should.equal(3);
    open.connects.length.should.equal(3);
  });
});
