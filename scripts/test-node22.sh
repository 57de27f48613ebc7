#!/usr/bin/env bash
# The whole test suite again on Node.js 22 with Node-RED 5.0 (both from the npm registry, pinned by
# .ci/node22/package-lock.json). `npm test` runs it on this machine's Node.js 20 with Node-RED 4.1.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=.ci/node22
if [ ! -x "$prefix/node_modules/.bin/node" ] || [ ! -f "$prefix/node_modules/node-red/package.json" ]; then
  npm ci --prefix "$prefix" --no-audit --no-fund
fi
node22="$prefix/node_modules/.bin/node"
echo "Running the tests on Node.js $("$node22" --version) with Node-RED $("$node22" -p "require('./$prefix/node_modules/node-red/package.json').version")"
[ -d dist ] || npm run build
NODE_RED_DIR="$prefix/node_modules/node-red" "$node22" node_modules/mocha/bin/mocha.js 'dist/test/**/*.test.js'
