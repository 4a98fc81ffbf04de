#!/usr/bin/env bash
# `npm test`: static checks and the build, then every test inside a private Secret Service (so the
# real keychain of whoever runs this is never touched), then one scan of that whole keyring.
# Node's test runner prints the totals.
set -euo pipefail
cd "$(dirname "$0")/.."

# Test files run side by side: each has its own keychain service (test/support/keychain-inspect.ts)
# and its own temporary folders. Most of a test's time is spent waiting on a browser, a server or
# the keychain, so 2 cores carry more files than they have cores.
concurrency="${TOKENTRAY_TEST_CONCURRENCY:-4}"
# Deadlines: a test still running after TOKENTRAY_TEST_TIMEOUT_MS fails, naming itself
# (test/support/test-deadline.ts); a file still running after file_timeout_ms fails, naming the
# file (Node 20's --test-timeout bounds whole files only).
export TOKENTRAY_TEST_TIMEOUT_MS="${TOKENTRAY_TEST_TIMEOUT_MS:-60000}"
file_timeout_ms="${TOKENTRAY_FILE_TIMEOUT_MS:-300000}"

# Everything the run writes to a temporary folder lands in one of its own, which the keyring scan
# searches for leaked secrets and which is removed afterwards.
tmp_root="${TMPDIR:-/tmp}"
run_tmp="$(mktemp -d "$tmp_root/tokentray-run.XXXXXXXX")"
# tsx keeps its compile cache in the temporary folder: point this run's at the lasting one, or
# every test process would compile the sources afresh.
mkdir -p "$tmp_root/tsx-$(id -u)"
ln -s "$tmp_root/tsx-$(id -u)" "$run_tmp/tsx-$(id -u)"
logs="$run_tmp/checks"
mkdir -p "$logs"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf -- "$run_tmp"
}
trap cleanup EXIT

echo "== build"
node esbuild.config.mjs

# The static checks depend on nothing but the sources: they run in the background, beside the tests.
check() {
  local name="$1"
  shift
  ("$@" >"$logs/$name.log" 2>&1 && echo ok >"$logs/$name.status" || echo failed >"$logs/$name.status") &
  pids+=("$!")
}
echo "== typecheck, lint, format (in the background)"
check typecheck npx tsc -p .
check lint npx eslint --max-warnings 0 .
check format npx prettier --check .

# The longest files first (Chromium, sign-in flows, spawned CLIs), so the short ones fill the gaps
# instead of four long ones making the tail of the run.
mapfile -t all < <(find test -name '*.test.ts' | sort)
long=() short=()
for f in "${all[@]}"; do
  case "$f" in
  test/renderer/* | test/cli/* | test/node/oauth/bad-responses.test.ts | test/node/broker/*) long+=("$f") ;;
  *) short+=("$f") ;;
  esac
done
files=("${long[@]}" "${short[@]}")
echo "== ${#files[@]} test files, ${concurrency} at a time"
export TMPDIR="$run_tmp"
# Inside the private keyring: the tests, then the scan of the whole keyring they leave behind.
inner='status=0
node --import tsx --import ./test/support/test-deadline.ts --test --test-concurrency="$1" \
  --test-timeout="$2" --test-reporter=spec "${@:3}" || status=$?
echo "== keyring scan"
node --import tsx test/support/scan-whole-keyring.ts "$TMPDIR" || status=1
exit "$status"'
run=(bash test/support/with-private-keyring.sh bash -c "$inner" tests "$concurrency" "$file_timeout_ms" "${files[@]}")
# The Electron e2e suite needs a display where Electron is installed; give it a virtual one.
if [[ -z "${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then run=(xvfb-run -a "${run[@]}"); fi
status=0
"${run[@]}" || status=$?

for pid in "${pids[@]}"; do wait "$pid" || true; done
pids=()
for name in typecheck lint format; do
  if [[ "$(cat "$logs/$name.status" 2>/dev/null)" != ok ]]; then
    echo "== $name FAILED"
    cat "$logs/$name.log"
    status=1
  else
    echo "== $name: ok"
  fi
done
exit "$status"
