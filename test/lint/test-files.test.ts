import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const TEST_ROOT = fileURLToPath(new URL('..', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// test/run-tests.sh runs the short test files several to a process, so what a file registers at
// its top level, outside its own suites, acts on every file of that process.
describe('test files', () => {
  test('register their hooks inside a suite, never at the top of the file', () => {
    const offenders = testFiles(TEST_ROOT).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /^(before|after|beforeEach|afterEach)\(/.test(line)
            ? [`${relative(TEST_ROOT, file)}:${i + 1}`]
            : [],
        ),
    );
    assert.deepEqual(offenders, [], 'move these hooks inside the file’s describe()');
  });
});
