#!/usr/bin/env bash
# `npm test`: static checks and the build, then every test inside a private Secret Service (so the
# real keychain of whoever runs this is never touched), then one scan of that whole keyring.
# Node's test runner prints the totals.
set -euo pipefail
cd "$(dirname "$0")/.."

# Test files run side by side: each has its own keychain service (test/support/keychain-inspect.ts)
# and its own temporary folders. Most of a test's time is spent waiting on a browser, a server or
# the keychain, so 2 cores carry more files than they have cores: on 2 cores, 4 at a time left
# half the CPU idle; 8 keeps it busy.
concurrency="${TOKENTRAY_TEST_CONCURRENCY:-8}"
# Deadlines: a test still running after TOKENTRAY_TEST_TIMEOUT_MS fails, naming itself
# (test/support/test-deadline.ts); a file still running after file_timeout_ms fails, naming the
# file (Node 20's --test-timeout bounds whole files only).
export TOKENTRAY_TEST_TIMEOUT_MS="${TOKENTRAY_TEST_TIMEOUT_MS:-60000}"
file_timeout_ms="${TOKENTRAY_FILE_TIMEOUT_MS:-300000}"

# Everything the run writes to a temporary folder lands in one of its own, which the keyring scan
# searches for leaked secrets and which is removed afterwards.
tmp_root="${TMPDIR:-/tmp}"
run_tmp="$(mktemp -d "$tmp_root/tokentray-run.XXXXXXXX")"
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
# The tests and the sources they import, compiled once to plain JavaScript (see build-tests.mjs):
# no test process loads tsx, so none compiles TypeScript or routes its imports through tsx's hooks.
node test/support/build-tests.mjs
build=node_modules/.cache/tokentray-test-build

# The static checks depend on nothing but the sources: they run in the background, beside the tests.
check() {
  local name="$1"
  shift
  ("$@" >"$logs/$name.log" 2>&1 && echo ok >"$logs/$name.status" || echo failed >"$logs/$name.status") &
  pids+=("$!")
}
echo "== typecheck, lint, format (in the background)"
# Straight from node_modules/.bin: through npx each would first load npm (a quarter second of CPU).
check typecheck node_modules/.bin/tsc -p .
check lint node_modules/.bin/eslint --max-warnings 0 .
check format node_modules/.bin/prettier --check .

# The longest files first (Chromium, sign-in flows, spawned CLIs, the SEA build), then the
# middling ones, so the short ones fill the gaps instead of a long one making the tail of the run.
mapfile -t all < <(find test -name '*.test.ts' | sort | sed "s|^|$build/|; s|\\.ts\$|.js|")
long=() middling=() short=()
for f in "${all[@]}"; do
  case "${f#"$build"/}" in
  test/renderer/* | test/cli/* | test/packaging/sea-cli.test.js | test/packaging/packaging.test.js) long+=("$f") ;;
  test/handoff/* | test/e2e/* | test/node/broker/* | test/node/file-lock.test.js | test/node/oauth/bad-responses.test.js)
    middling+=("$f")
    ;;
  *) short+=("$f") ;;
  esac
done
# Node's runner sorts the files it is given by path; each entry is a module whose name is its place
# in this order, importing the test file (or files) that run from where they are.
# The short files run a few to a process: most of such a file's CPU is loading modules
# (oidc-provider, undici, keytar, the sources), which the files of one process share. Each still
# has its own keychain service and folders; the long and middling files keep a process each, so
# they start first and the groups fill the gaps.
group_size="${TOKENTRAY_TEST_GROUP_SIZE:-6}"
files=()
rm -rf "$build/run-order"
mkdir -p "$build/run-order"
# An entry is named after every file it runs, so a failure of the whole process (a stray error,
# a deadline) names them all.
entry_for() {
  local name f
  name="$(printf %03d "${#files[@]}")"
  for f in "$@"; do name+="-$(echo "${f#"$build"/test/}" | sed 's|\.test\.js$||' | tr / -)"; done
  echo "$build/run-order/${name:0:240}.test.js"
}
for f in "${long[@]}" "${middling[@]}"; do
  entry="$(entry_for "$f")"
  echo "import '../${f#"$build"/}';" >"$entry"
  files+=("$entry")
done
for ((i = 0; i < ${#short[@]}; i += group_size)); do
  group=("${short[@]:i:group_size}")
  entry="$(entry_for "${group[@]}")"
  for f in "${group[@]}"; do echo "import '../${f#"$build"/}';"; done >"$entry"
  files+=("$entry")
done
# One signing key for every test process's oidc-provider (see local-provider.ts).
export TOKENTRAY_TEST_SIGNING_KEY_FILE="$run_tmp/signing-key.json"
(umask 077 && node --input-type=module -e "import { newSigningKey } from './$build/test/support/local-provider.js';
process.stdout.write(JSON.stringify(await newSigningKey()));" >"$TOKENTRAY_TEST_SIGNING_KEY_FILE")
echo "== ${#all[@]} test files in ${#files[@]} processes, ${concurrency} at a time"
export TMPDIR="$run_tmp"
# Every test talks to servers on loopback and trusts only what it was given; an extra CA bundle
# from the shell (some CI images set one) would only be parsed again at each of the several
# hundred Node starts a run makes (~30 ms each).
unset NODE_EXTRA_CA_CERTS
# Inside the private keyring: the tests, then the scan of the whole keyring they leave behind.
inner='status=0
# One Chromium for every test file (test/support/chromium-server.ts), ended when the tests are.
exec 3< <(exec node "./$1/test/support/chromium-server.js")
chromium=$!
if ! read -r TOKENTRAY_TEST_CHROMIUM_WS <&3; then echo "== Chromium did not start"; exit 1; fi
exec 3<&-
export TOKENTRAY_TEST_CHROMIUM_WS
node --enable-source-maps --import "./$1/test/support/test-deadline.js" --test --test-concurrency="$2" \
  --test-timeout="$3" --test-reporter=spec "${@:4}" || status=$?
kill "$chromium"
wait "$chromium" || true
echo "== keyring scan"
node --enable-source-maps "./$1/test/support/scan-whole-keyring.js" "$TMPDIR" || status=1
exit "$status"'
run=(bash test/support/with-private-keyring.sh bash -c "$inner" tests "$build" "$concurrency" "$file_timeout_ms" "${files[@]}")
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
