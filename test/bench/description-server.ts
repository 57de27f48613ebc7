/**
 * An API description server in a process of its own, for the catalogue's memory figures: what
 * it holds and sends is not counted with what the catalogue keeps. Talks to its parent over IPC.
 *
 * - `real`: the whole EU API as test/fixtures/ovh-api-schemas/full holds it.
 * - `hostile`: an index of 1,000 families a branch, each a description of 4 MB (the size of /cloud), every
 *   byte of it operations the catalogue would keep (long paths, descriptions, parameters).
 * - `oversized`: the 20 families of 12 MB each that once took a runtime to 800 MB.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fullApiDocuments, heavyFamily } from '../helpers/full-api';

export type DescriptionServerMode = 'real' | 'hostile' | 'oversized';

function documentsOf(mode: DescriptionServerMode): (url: string) => string | undefined {
  if (mode === 'real') {
    const documents = fullApiDocuments();
    return (url) => documents.get(url);
  }
  const families = mode === 'hostile' ? 1000 : 20;
  const index = (branch: string) =>
    JSON.stringify({
      apis: Array.from({ length: families }, (_v, i) => ({ path: `/h${i}`, schema: `/h${i}.{format}` })),
      branch,
    });
  const indexes = { '/1.0/': index('1.0'), '/v2/': index('v2') };
  // One text served for every family (its paths name /h0): the server holds one, the runtime reads each.
  const family = mode === 'hostile' ? heavyFamily('/h0', 4 * 1024 * 1024) : heavyFamily('/h0', 12 * 1024 * 1024);
  return (url) => indexes[url as keyof typeof indexes] ?? (/^\/(1\.0|v2)\/h\d+\.json$/.test(url) ? family : undefined);
}

function main(): void {
  const documentAt = documentsOf(process.argv[2] as DescriptionServerMode);
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const body = documentAt(req.url ?? '');
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(body ?? '{"message":"not found"}');
  });
  server.listen(0, '127.0.0.1', () => {
    process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') process.send!({ type: 'stats', requests });
  });
  process.on('disconnect', () => server.close(() => process.exit(0)));
}

if (require.main === module) main();
