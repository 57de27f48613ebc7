#!/usr/bin/env node
// Compiles the TypeScript sources and lays the editor files beside the compiled node files,
// where Node-RED looks for them: <dir of the .js>/{*.html, locales/, icons/}. The editor's code
// (editor/, browser TypeScript) is type-checked on its own and bundled into resources/editor.js,
// which Node-RED serves at resources/<module name>/editor.js.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const nodesOut = path.join(dist, 'nodes');

fs.rmSync(dist, { recursive: true, force: true });
// TypeScript 7 (the native compiler) builds; the `typescript` package (6.0) is there for
// typescript-eslint, which needs the JavaScript compiler API that 7.0 no longer ships.
const tsc = path.join(path.dirname(require.resolve('typescript7/package.json', { paths: [root] })), 'bin', 'tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'editor', 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  process.exit(1); // tsc has printed its errors
}

// One self-contained script for the three dialogs, in the browser's global scope.
const resources = path.join(root, 'resources');
fs.rmSync(resources, { recursive: true, force: true });
require('esbuild').buildSync({
  entryPoints: [path.join(root, 'editor', 'index.ts')],
  outfile: path.join(resources, 'editor.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  charset: 'utf8',
  banner: { js: '// node-red-contrib-ovhcloud: the editor dialogs, bundled from editor/ by scripts/build.js.' },
  logLevel: 'warning',
});

fs.mkdirSync(nodesOut, { recursive: true });
for (const file of fs.readdirSync(path.join(root, 'nodes'))) {
  if (file.endsWith('.html')) fs.copyFileSync(path.join(root, 'nodes', file), path.join(nodesOut, file));
}
for (const dir of ['locales', 'icons']) {
  fs.cpSync(path.join(root, dir), path.join(nodesOut, dir), { recursive: true });
}
