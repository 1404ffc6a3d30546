#!/usr/bin/env bash
# Set-up for the README's first command (npm run demo): checks Node and npm, installs the npm
# dependencies and builds dist/. It installs no Debian packages; what only the tests need comes
# with `npm test` (scripts/test-deps.sh). Idempotent, and fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
SAY_TAG=setup
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

if ! command -v node >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  say "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
command -v npm >/dev/null || { say "npm is required (it comes with Node.js)" >&2; exit 1; }

# npm dependencies: reinstall only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (dependencies from package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
else
  say "npm dependencies are up to date"
fi

say "npm run build (dist/: extension, CLI, workers, WASM grammar)"
npm run --silent build
say "done"
