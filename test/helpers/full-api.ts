/**
 * Descriptions of APIs for the catalogue's tests and benchmark. The whole EU API's description (test/fixtures/ovh-api-schemas/full: both indexes and every
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

/**
 * A hostile family description: about `operationBytes` of operations (long paths, descriptions,
 * IAM actions and parameters: all of it what a catalogue keeps), then about `modelBytes` of
 * models no operation names (kept on disk only).
 */
export function heavyFamily(name: string, operationBytes: number, modelBytes = 0, width = 600): string {
  const apis: unknown[] = [];
  const filler = 'w'.repeat(width);
  for (let i = 0, size = 0; size < operationBytes; i++) {
    const api = {
      path: `${name}/${filler}${i}/{id}`,
      operations: [
        {
          httpMethod: 'POST',
          description: `hostile operation ${i} ${filler}`,
          responseType: 'void',
          iamActions: [{ name: `hostile:apiovh:${filler}${i}` }],
          parameters: [
            { name: 'id', dataType: 'string', fullType: 'string', paramType: 'path', required: true, description: filler },
          ],
        },
      ],
    };
    size += JSON.stringify(api).length + 1;
    apis.push(api);
  }
  const models: Record<string, unknown> = {};
  for (let i = 0, size = 0; size < modelBytes; i++) {
    const model = { properties: { [`p${filler}`]: { type: 'string', description: filler } } };
    size += JSON.stringify(model).length + 20;
    models[`unused.Model${i}`] = model;
  }
  return JSON.stringify({ apis, models });
}
