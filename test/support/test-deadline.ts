// Loaded into every test file's process (run-tests.sh passes `--import` for it). Node 20's
// `--test-timeout` bounds each file as a whole and names only the file; this names the test. A
// test still running after TOKENTRAY_TEST_TIMEOUT_MS fails its file at once, naming the test
// (Node's runner cannot fail a single test from outside it, so the process ends).
import { afterEach, beforeEach } from 'node:test';

const limitMs = Number(process.env.TOKENTRAY_TEST_TIMEOUT_MS ?? 60_000);
let timer: NodeJS.Timeout | undefined;

beforeEach((t) => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    process.stderr.write(
      `\ntest-deadline: "${t.name}" did not finish within ${limitMs} ms; failing its file.\n`,
    );
    process.exit(124);
  }, limitMs);
  timer.unref();
});

afterEach(() => {
  clearTimeout(timer);
  timer = undefined;
});
