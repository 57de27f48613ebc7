/**
 * The lean server of the benchmark, in a process of its own: only what answering and checking a
 * signed call needs (the time, one SHA-1 per call, a fixed small answer), so that the clients'
 * own cost is what the figures show, not the full simulator's. Talks to its parent over IPC.
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEFAULT_APP } from '../simulator/simulator';

/** The one consumer key the lean server knows. */
export const LEAN_CONSUMER_KEY = 'LeanBenchConsumerKey0123456789ab';

const ANSWER = Buffer.from(JSON.stringify({ nichandle: 'xx1234-ovh', state: 'complete', currency: { code: 'EUR' } }));
const REFUSED = Buffer.from(
  JSON.stringify({ errorCode: 'INVALID_SIGNATURE', httpCode: '400 Bad Request', message: 'Invalid signature' }),
);

function main(): void {
  const tls = { key: process.env.BENCH_TLS_KEY!, cert: process.env.BENCH_TLS_CERT! };
  let calls = 0;
  let refused = 0;
  /** TLS connections opened: a client that keeps too few, or lets them go, makes handshakes. */
  let connections = 0;
  const server = https.createServer({ ...tls, keepAlive: true }, (req, res) => {
    if (req.url === '/1.0/auth/time') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(String(Math.floor(Date.now() / 1000)));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      calls++;
      const body = chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8');
      const url = `https://${req.headers.host}${req.url}`;
      const signed = `${DEFAULT_APP.appSecret}+${LEAN_CONSUMER_KEY}+${req.method}+${url}+${body}+${req.headers['x-ovh-timestamp']}`;
      const expected = '$1$' + createHash('sha1').update(signed).digest('hex');
      const ok = req.headers['x-ovh-signature'] === expected && req.headers['x-ovh-application'] === DEFAULT_APP.appKey;
      if (!ok) refused++;
      const answer = ok ? ANSWER : REFUSED;
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length });
      res.end(answer);
    });
  });
  server.on('secureConnection', () => connections++);
  process.on('message', (command: { type: string }) => {
    if (command.type === 'stats') process.send!({ type: 'stats', calls, refused, connections });
  });
  process.on('disconnect', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
  // Port 443, as the full simulator: the official clients sign URLs without a port.
  server.listen(Number(process.env.BENCH_SIM_PORT ?? 443), '127.0.0.1', () => {
    process.send!({ type: 'ready', url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
}

if (require.main === module) main();
