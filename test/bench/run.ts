/**
 * `npm run bench`: makes a throwaway self-signed certificate, then starts the measuring process
 * with that certificate trusted for this run only (NODE_EXTRA_CA_CERTS must be set before a
 * process starts) and with --expose-gc for the memory figures.
 *
 * Options: --quick (fewer rounds and calls, to try it out), --rounds N.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selfSignedCertificate } from '../helpers/tls';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-bench-'));
const tls = selfSignedCertificate();
const certFile = path.join(dir, 'cert.pem');
// NODE_EXTRA_CA_CERTS takes one file: keep whatever the environment already trusts, and add ours.
const inherited = process.env.NODE_EXTRA_CA_CERTS;
fs.writeFileSync(certFile, (inherited && fs.existsSync(inherited) ? fs.readFileSync(inherited, 'utf8') + '\n' : '') + tls.cert);

const child = spawn(process.execPath, ['--expose-gc', path.join(__dirname, 'worker.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile, BENCH_TLS_KEY: tls.key, BENCH_TLS_CERT: tls.cert },
});
child.on('exit', (code) => {
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? 1);
});
