/**
 * The whole EU API's description (test/fixtures/ovh-api-schemas/full: both indexes and every
 * family, gzip-compressed), as the API serves it: the answer text by the path it is served at.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fixturesDir } from '.';

const FULL = path.join(fixturesDir, 'ovh-api-schemas', 'full');

/** `/1.0/` and `/v2/` (the indexes), `/1.0/cloud.json`, `/1.0/dedicated/server.json`...: the JSON text of each. */
export function fullApiDocuments(): Map<string, string> {
  const documents = new Map<string, string>();
  for (const entry of fs.readdirSync(FULL, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json.gz')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const served = '/' + path.relative(FULL, file).split(path.sep).join('/').replace(/\.gz$/, '');
    documents.set(served.replace(/\/index\.json$/, '/'), zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'));
  }
  return documents;
}

/** Each family of the whole API, parsed: its branch, its name (`/domain`) and its description. */
export function fullApiFamilies(): Array<{ branch: '1.0' | 'v2'; name: string; description: unknown }> {
  return [...fullApiDocuments()]
    .filter(([served]) => !served.endsWith('/'))
    .map(([served, text]) => {
      const branch = served.startsWith('/v2/') ? 'v2' : '1.0';
      return { branch, name: served.slice(branch.length + 1).replace(/\.json$/, ''), description: JSON.parse(text) as unknown };
    });
}
