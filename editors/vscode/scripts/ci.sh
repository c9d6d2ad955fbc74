#!/usr/bin/env bash
# CI for the VS Code extension: clean install from package-lock.json, the tests (grammar unit and
# snapshot tests, type check, unit tests of the bundled extension), then build the .vsix.
# Needs Node 20+ and npm; the npm registry is the only network access (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
step() { printf '\n==> %s\n' "$*"; }

step "node $(node --version), npm $(npm --version)"
step "npm ci"
npm ci --no-audit --no-fund --loglevel=error

step "npm test"
npm test

step "npm run package"
rm -f rhythm-flow.vsix
npm run package
test -s rhythm-flow.vsix

step "vsix contents"
python3 -m zipfile -l rhythm-flow.vsix

printf '\nscripts/ci.sh: done in %ss\n' "$(( $(date +%s) - start ))"
