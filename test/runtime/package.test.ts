/**
 * The package as users get it: `npm pack`, installed into a fresh Node-RED user dir, loaded by
 * a started Node-RED.
 */
import 'should';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startSimulator } from '../helpers';
import { accountNode, signatureCredentials } from '../helpers/node-red';
import { admin, deploy, startNodeRed, type StartedNodeRed } from '../helpers/node-red-process';
import type { OvhSimulator } from '../simulator/simulator';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the packed package', function () {
  this.timeout(180_000);
  let workDir: string;
  let files: string[];
  let tarball: string;

  before(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-pack-'));
    // --ignore-scripts: `npm test` has just built dist; packing must not rebuild it under the tests' feet.
    const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const [info] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(workDir, info.filename);
    files = info.files.map((f) => f.path);
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('holds only what runs: compiled JS, editor files, icons, locales, examples and docs', () => {
    files.should.containDeep([
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/nodes/ovh-request.js',
      'dist/nodes/client/description-worker.js', // the API's descriptions are parsed in it
      'dist/nodes/ovh-request.html',
      'dist/nodes/icons/ovhcloud.svg',
      'dist/nodes/locales/fr/ovh-request.html',
      'dist/nodes/ovh-watch.js',
      'dist/nodes/ovh-watch.html',
      'dist/nodes/locales/fr/ovh-watch.html',
      'resources/editor.js', // the dialogs' code, bundled
    ]);
    for (const file of files) {
      file.should.match(
        /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|examples\/[^/]+\.json|dist\/nodes\/.+\.(js|html|json|svg)|resources\/editor\.js)$/,
        file,
      );
      file.should.not.match(/test|simulator|\.map$|\.ts$/, file);
    }
    // Every example of the repository, and nothing else under examples/.
    const examples = fs.readdirSync(path.join(repoRoot, 'examples')).filter((f) => f.endsWith('.json'));
    files.filter((f) => f.startsWith('examples/')).length.should.equal(examples.length);
    examples.length.should.be.above(14);
  });

  it('ships no build paths and no source maps', () => {
    const extracted = path.join(workDir, 'x');
    fs.mkdirSync(extracted);
    execFileSync('tar', ['-xzf', tarball, '-C', extracted]);
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(extracted, 'package', file), 'utf8');
      text.should.not.match(/sourceMappingURL/);
      text.should.not.containEql(repoRoot);
    }
  });

  describe('installed into a fresh user dir', () => {
    let nodeRed: StartedNodeRed;
    before(async () => {
      const userDir = path.join(workDir, 'user');
      fs.mkdirSync(userDir);
      fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
      // As the palette manager does: npm install of the package (its own dependencies from the npm cache or registry).
      execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=dev', tarball], {
        cwd: userDir,
        stdio: 'ignore',
      });
      nodeRed = await startNodeRed({ userDir });
    });
    after(() => nodeRed?.stop());

    it('loads every node type with no error', async () => {
      const res = await admin(nodeRed, 'GET', '/nodes', undefined, undefined, { accept: 'application/json' });
      const sets = (
        res.body as Array<{ module: string; types: string[]; err?: string; enabled: boolean; version: string }>
      ).filter((s) => s.module === 'node-red-contrib-ovhcloud');
      sets
        .flatMap((s) => s.types)
        .sort()
        .should.eql(['ovh-credentials', 'ovh-request', 'ovh-watch']);
      sets.every((s) => !s.err && s.enabled).should.be.true();
      nodeRed.output.join('').should.not.match(/\[error\]|\[warn\] \[node-red-contrib-ovhcloud/);
    });

    it("serves the dialogs' code where each node's .html loads it", async () => {
      const nodesHtml = await admin(nodeRed, 'GET', '/nodes', undefined, undefined, { accept: 'text/html' });
      const src = 'resources/node-red-contrib-ovhcloud/editor.js';
      nodesHtml.text.split(`<script src="${src}"></script>`).length.should.equal(4); // in each of the three
      const bundle = await admin(nodeRed, 'GET', '/' + src);
      bundle.status.should.equal(200);
      bundle.text.should.match(/window.OvhCloudEditor = { request: /);
    });

    it("reads an API's description in its worker thread, as installed", async () => {
      const sim: OvhSimulator = await startSimulator();
      try {
        await deploy(nodeRed, [{ id: 'tab1', type: 'tab', label: 'ovh' }, accountNode(sim)], signatureCredentials(sim));
        const search = () =>
          admin(
            nodeRed,
            'GET',
            `/ovh-credentials/catalogue/search?account=acc&q=${encodeURIComponent('/domain/zone/{zoneName}/rec')}`,
            undefined,
            undefined,
            { accept: 'application/json' },
          );
        let found = await search();
        // The flows start once the deploy is answered.
        for (let tries = 0; found.status === 400 && tries < 50; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          found = await search();
        }
        found.status.should.equal(200, found.text);
        (found.body as { operations: Array<{ path: string }> }).operations
          .map((o) => o.path)
          .should.containEql('/domain/zone/{zoneName}/record');
        nodeRed.output.join('').should.not.match(/description reader|\[error\]/);
      } finally {
        await sim.close();
      }
    });

    it('offers the examples under Import > Examples', async () => {
      const example = await admin(
        nodeRed,
        'GET',
        '/library/examples/flows/node-red-contrib-ovhcloud/01%20Read%20my%20account%20(GET%20me)',
      );
      example.status.should.equal(200, example.text);
      (example.body as Array<{ type: string }>).some((n) => n.type === 'ovh-request').should.be.true();
      // Every one of them, by the name the menu shows.
      const names = files.filter((f) => f.startsWith('examples/')).map((f) => path.basename(f, '.json'));
      for (const name of names) {
        const flow = await admin(nodeRed, 'GET', `/library/examples/flows/node-red-contrib-ovhcloud/${encodeURIComponent(name)}`);
        flow.status.should.equal(200, name);
        (flow.body as Array<{ type: string }>).filter((n) => n.type === 'ovh-credentials').length.should.equal(1, name);
      }
    });
  });
});
