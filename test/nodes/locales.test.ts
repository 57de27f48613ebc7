/** Every message and help page exists in English and French, with the same keys. */
import 'should';
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
        'nodes/status.ts',
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
