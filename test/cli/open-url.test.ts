import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openUrl } from '../../main/cli/open-url.js';
import { waitFor } from '../support/wait-for.js';

// BROWSER as xdg-open reads it: ":"-separated commands tried in order, "%s" for the URL.
// Real commands run; each writes its arguments to a file the test reads back.
async function recorder(
  dir: string,
  name: string,
): Promise<{ command: string; seen: () => Promise<string> }> {
  const out = join(dir, `${name}.out`);
  const command = join(dir, name);
  await writeFile(command, `#!/bin/sh\nprintf '%s|' "$@" > '${out}'\n`);
  await chmod(command, 0o755);
  const seen = () =>
    waitFor(`${name} to write its arguments`, () => readFile(out, 'utf8').catch(() => undefined), {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
  return { command, seen };
}

const url = 'https://login.example.com/authorize?state=a b&x=$(reboot)';

test('BROWSER gets the URL as one argument, with no shell to interpret it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tokentray-browser-'));
  const browser = await recorder(dir, 'browser');
  await openUrl(url, { BROWSER: `${browser.command} --new-window` });
  assert.equal(await browser.seen(), `--new-window|${url}|`);
});

test('"%s" in BROWSER marks where the URL goes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tokentray-browser-'));
  const browser = await recorder(dir, 'browser');
  await openUrl(url, { BROWSER: `${browser.command} --url=%s --private` });
  assert.equal(await browser.seen(), `--url=${url}|--private|`);
});

test('a BROWSER list falls through to the first command that exists', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tokentray-browser-'));
  const browser = await recorder(dir, 'second');
  await openUrl(url, { BROWSER: `${join(dir, 'missing-browser')}:${browser.command}` });
  assert.equal(await browser.seen(), `${url}|`);
});

test('when no command can start, the caller hears about it (and prints the URL instead)', async () => {
  await assert.rejects(openUrl(url, { BROWSER: '/nonexistent/browser' }));
});
