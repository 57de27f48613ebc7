/** Every message and help page exists in English and French, with the same keys. */
import should from 'should';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers';
import { CHECK_STATUSES, ENDPOINTS, PRESETS } from '../../nodes/client';

function keys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('locales', () => {
  const dir = path.join(repoRoot, 'locales');
  /** The dialogs' code (editor/), which each .html's registration delegates to. */
  const editorSources = fs
    .readdirSync(path.join(repoRoot, 'editor'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `editor/${f}`);
  for (const node of ['ovh-credentials', 'ovh-request']) {
    it(`${node}: the French messages have exactly the English keys, none empty`, () => {
      const en = JSON.parse(fs.readFileSync(path.join(dir, 'en-US', `${node}.json`), 'utf8'));
      const fr = JSON.parse(fs.readFileSync(path.join(dir, 'fr', `${node}.json`), 'utf8'));
      keys(fr).sort().should.eql(keys(en).sort());
      for (const k of keys(fr))
        k.split('.')
          .reduce((o: Record<string, unknown>, p) => o[p] as Record<string, unknown>, fr)
          .should.not.equal('');
    });

    it(`${node}: help in both languages, for the right node type`, () => {
      for (const lang of ['en-US', 'fr']) {
        fs.readFileSync(path.join(dir, lang, `${node}.html`), 'utf8').should.match(new RegExp(`data-help-name="${node}"`));
      }
    });

    it(`${node}: every key the editor and runtime use is defined`, () => {
      const en = JSON.parse(fs.readFileSync(path.join(dir, 'en-US', `${node}.json`), 'utf8'));
      const defined = new Set(keys(en));
      const sources = [
        'nodes/ovh-credentials.html',
        'nodes/ovh-request.html',
        'nodes/ovh-credentials.ts',
        'nodes/ovh-request.ts',
        'nodes/calls/status.ts',
        ...editorSources,
      ]
        .map((f) => fs.readFileSync(path.join(repoRoot, f), 'utf8'))
        .join('\n');
      const used = [...sources.matchAll(new RegExp(`["'\\]]${node}\\.([a-zA-Z-]+\\.[a-zA-Z-]+)["']`, 'g'))].map(
        (m) => `${node}.${m[1]}`,
      );
      used.length.should.be.above(5);
      for (const key of used) defined.has(key).should.be.true(`${key} is used but not defined`);
    });
  }

  it('ovh-watch: the French messages have exactly the English keys, none empty, and every key the runtime uses is defined', () => {
    const en = JSON.parse(fs.readFileSync(path.join(dir, 'en-US', 'ovh-watch.json'), 'utf8'));
    const fr = JSON.parse(fs.readFileSync(path.join(dir, 'fr', 'ovh-watch.json'), 'utf8'));
    keys(fr).sort().should.eql(keys(en).sort());
    for (const k of keys(fr))
      should(k.split('.').reduce((o: Record<string, unknown>, p) => o[p] as Record<string, unknown>, fr)).not.equal('');
    const source = ['nodes/ovh-watch.ts', 'nodes/calls/watch-path.ts', ...editorSources]
      .map((f) => fs.readFileSync(path.join(repoRoot, f), 'utf8'))
      .join('\n');
    // The keys written whole, and those the modes it runs ask for by name (`ovh-watch.errors.${key}`).
    const used = [...source.matchAll(/["'`](ovh-watch\.[a-zA-Z-]+\.[a-zA-Z-]+)["'`]/g)].map((m) => m[1]);
    used.push('ovh-watch.errors.not-a-list', 'ovh-watch.errors.get-only');
    used.length.should.be.above(10);
    const defined = new Set(keys(en));
    for (const key of used) defined.has(key).should.be.true(`${key} is used but not defined`);
  });

  it("each node file's runtime code asks only its own catalogue: Node-RED reads a node file's messages from its own file alone", () => {
    const namespaceOf: Record<string, string> = {
      'ovh-watch.ts': 'ovh-watch',
      'ovh-request.ts': 'ovh-request',
      'calls/parameter-rows.ts': 'ovh-request',
      'calls/repeat-until.ts': 'ovh-request',
      'calls/status.ts': 'ovh-request',
      'ovh-credentials.ts': 'ovh-credentials',
    };
    for (const [file, namespace] of Object.entries(namespaceOf)) {
      const source = fs.readFileSync(path.join(repoRoot, 'nodes', file), 'utf8');
      const foreign = [...source.matchAll(/RED\._\(\s*["'`](ovh-[a-z]+)\./g)].map((m) => m[1]).filter((ns) => ns !== namespace);
      foreign.should.eql([], `${file} asks another node's catalogue`);
    }
  });

  it('ovh-credentials: every region and preset of the client has its label in both languages', () => {
    for (const lang of ['en-US', 'fr']) {
      const messages = JSON.parse(fs.readFileSync(path.join(dir, lang, 'ovh-credentials.json'), 'utf8'))['ovh-credentials'];
      for (const name of [...Object.keys(ENDPOINTS), 'custom'])
        (messages.endpoint[name] ?? '').should.not.equal('', `${lang}: endpoint.${name}`);
      for (const name of Object.keys(PRESETS)) (messages.preset[name] ?? '').should.not.equal('', `${lang}: preset.${name}`);
    }
  });

  it('ovh-credentials: every outcome of the Check has its message in both languages', () => {
    for (const lang of ['en-US', 'fr']) {
      const messages = JSON.parse(fs.readFileSync(path.join(dir, lang, 'ovh-credentials.json'), 'utf8'))['ovh-credentials'].check;
      for (const status of CHECK_STATUSES) (messages[status] ?? '').should.not.equal('', `${lang}: check.${status}`);
    }
  });
});
