#!/usr/bin/env bash
# `npm test`: static checks, the build, then every test inside a private Secret Service (so the
# real keychain of whoever runs this is never touched). Node's test runner prints the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc -p .
echo "== lint and format"; npx eslint --max-warnings 0 . && npx prettier --check . >/dev/null
echo "== build"; node esbuild.config.mjs
mapfile -t files < <(find test -name '*.test.ts' | sort)
echo "== ${#files[@]} test files"
# One file at a time: the files share one private keychain, and some snapshot all of it.
run=(bash test/support/with-private-keyring.sh node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}")
# The Electron e2e suite needs a display where Electron is installed; give it a virtual one.
if [[ -z "${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then run=(xvfb-run -a "${run[@]}"); fi
exec "${run[@]}"
