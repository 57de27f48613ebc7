#!/usr/bin/env node
// Runs `node-red-dev validate` (the flow library's scorecard) on the package as it will be
// published, and fails on any failed check: the tool itself always exits 0.
//
// The tool fetches the flow catalogue, which this machine cannot reach; that one request is
// answered with an empty catalogue (no similarly named modules), so the other checks run.
// Checks that cannot pass for a stated reason are listed in ALLOWED, with that reason.
//
// The scorecard file is not the whole verdict: the tool prints some failed checks as warnings
// only, and a later check can overwrite them in the scorecard (P04 warns "New packages should use
// a scoped name", then records the unscoped `node-red-contrib-` name as valid). Every warning
// naming a check counts as that check failing, as the flow library shows it.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ALLOWED = {
  // The publish name stays `node-red-contrib-ovhcloud`: the project has no npm organisation of its
  // own, the scope users would look for (`@ovhcloud`) is OVHcloud's (its official client is
  // `@ovhcloud/node-ovh`), and a third-party scope would hide the package from the search users
  // make (`node-red-contrib-ovhcloud` in Manage palette). The flow library still lists unscoped
  // `node-red-contrib-` packages; P04 is its advice for new ones. Remove this line if the package
  // is ever published under a scope the project owns.
  P04: "published unscoped as node-red-contrib-ovhcloud (no npm organisation of its own; @ovhcloud is OVHcloud's)",
  // The package's public repository and issue tracker are not decided yet: set `repository` and
  // `bugs` in package.json before publishing, and remove this line.
  P03: 'no public repository or issue tracker URL yet',
  // undici 8 needs Node.js >= 22.19, but Node-RED 4.1 runs on Node 20: the package stays on undici 7.
  D03: 'undici is kept on 7.x so that the package runs on Node.js 20 with Node-RED 4.1',
};

const root = path.resolve(__dirname, '..');
if (process.argv[2] === '--catalogue-stub') {
  // Preloaded into node-red-dev (see below): answers the catalogue request locally.
  const Module = require('node:module');
  const load = Module._load;
  Module._load = function (request, ...rest) {
    const loaded = load.call(this, request, ...rest);
    if (request === 'axios' && !loaded.__catalogueStub) {
      const get = loaded.get.bind(loaded);
      loaded.get = (url, ...args) =>
        /catalogue\.nodered\.org\/catalogue\.json$/.test(url) ? Promise.resolve({ data: { modules: [] } }) : get(url, ...args);
      loaded.__catalogueStub = true;
    }
    return loaded;
  };
  return;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ovh-validate-'));
try {
  // Validate what users install: the packed tarball, unpacked.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
  );
  execFileSync('tar', ['-xzf', path.join(work, packed[0].filename), '-C', work]);
  const packageDir = path.join(work, 'package');
  const scorecardFile = path.join(work, 'scorecard.json');
  const cli = require.resolve('node-red-dev/bin/run', { paths: [root] });
  const preload = path.join(work, 'catalogue-stub.js');
  fs.writeFileSync(
    preload,
    `process.argv.splice(2, 0, '--catalogue-stub'); require(${JSON.stringify(__filename)}); process.argv.splice(2, 1);\n`,
  );
  const run = spawnSync(process.execPath, ['-r', preload, cli, 'validate', '-p', packageDir, '-o', scorecardFile], {
    cwd: work,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.error) throw run.error;
  // The tool's warnings (on stderr) are part of its report: shown, and each naming a check counts.
  process.stdout.write(run.stdout + run.stderr);
  const scorecard = JSON.parse(fs.readFileSync(scorecardFile, 'utf8'));
  for (const [, check] of run.stderr.matchAll(/\b([PND]\d\d)\b/g)) {
    scorecard[check] = { ...scorecard[check], test: false, warned: true };
  }
  const failed = Object.entries(scorecard).filter(([, result]) => result && result.test === false);
  for (const [check, result] of failed) {
    console.log(`${check} failed${ALLOWED[check] ? ` (allowed: ${ALLOWED[check]})` : ''}: ${JSON.stringify(result)}`);
  }
  const blocking = failed.filter(([check]) => !ALLOWED[check]);
  const checks = Object.keys(scorecard).filter((k) => scorecard[k] && typeof scorecard[k].test === 'boolean');
  console.log(
    `node-red-dev validate: ${checks.length - failed.length} passed, ${failed.length} failed (${blocking.length} not allowed)`,
  );
  if (checks.length < 10) {
    console.error('node-red-dev validate ran fewer checks than expected');
    process.exit(1);
  }
  process.exit(blocking.length === 0 ? 0 : 1);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
