import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openUrl } from '../../main/cli/open-url.js';
import { waitFor } from '../support/wait-for.js';

// BROWSER as xdg-open reads it: ":"-separated commands tried in order, "%s" for the target.
// Real commands run; each writes its arguments (and its environment) to files the test reads.
async function recorder(
  dir: string,
  name: string,
): Promise<{ command: string; seen: () => Promise<string>; env: () => Promise<string> }> {
  const out = join(dir, `${name}.out`);
  const envOut = join(dir, `${name}.env`);
  const command = join(dir, name);
  await writeFile(command, `#!/bin/sh\nenv > '${envOut}'\nprintf '%s|' "$@" > '${out}'\n`);
  await chmod(command, 0o755);
  const wait = (file: string, what: string) =>
    waitFor(
      `${name} to write its ${what}`,
      // The shell creates the file before it writes to it: empty is not written yet.
      async () => (await readFile(file, 'utf8').catch(() => '')) || undefined,
      { timeoutMs: 5_000, intervalMs: 20 },
    );
  return {
    command,
    seen: () => wait(out, 'arguments'),
    env: () => wait(envOut, 'environment'),
  };
}

const url = 'https://login.example.com/authorize?state=st4te-value&x=$(reboot)&q="<a>"';

/** The one page path among the recorded arguments, and the URL it leads to. */
async function pageOf(args: string): Promise<{ path: string; leadsTo: string; mode: number }> {
  const path = args.split('|').find((a) => a.endsWith('sign-in.html'));
  assert.ok(path !== undefined, `a page path among ${args}`);
  const html = await readFile(path, 'utf8');
  const href = /id="continue" href="([^"]*)"/.exec(html)?.[1] ?? '';
  const leadsTo = href
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  return {
    path,
    leadsTo: leadsTo.replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
    mode: (await stat(path)).mode & 0o777,
  };
}

test('the URL is never on the command line: the browser gets a private page leading to it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tokentray-browser-'));
  const browser = await recorder(dir, 'browser');
  await openUrl(url, { BROWSER: `${browser.command} --new-window` });
  const args = await browser.seen();
  assert.ok(!args.includes('st4te-value'), `no state in argv: ${args}`);
  assert.match(args, /^--new-window\|/);
  const page = await pageOf(args);
  assert.equal(page.leadsTo, new URL(url).href, 'the page leads to the exact URL');
  assert.equal(page.mode, 0o600, 'only this user can read the page');
  assert.equal((await stat(join(page.path, '..'))).mode & 0o777, 0o700, 'nor list its folder');
});

test('"%s" in BROWSER marks where the page goes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tokentray-browser-'));
  const browser = await recorder(dir, 'browser');
  await openUrl(url, { BROWSER: `${browser.command} --url=%s --private` });
  const args = await browser.seen();
  assert.match(args, /^--url=\/.*sign-in\.html\|--private\|$/);
});

test('a BROWSER list falls through to the first command that exists', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tokentray-browser-'));
  const browser = await recorder(dir, 'second');
  await openUrl(url, { BROWSER: `${join(dir, 'missing-browser')}:${browser.command}` });
  assert.equal((await pageOf(await browser.seen())).leadsTo, new URL(url).href);
});

test('when no command can start, the caller hears about it (and prints the URL instead)', async () => {
  await assert.rejects(openUrl(url, { BROWSER: '/nonexistent/browser' }));
});

test('the browser inherits no secret from the environment', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tokentray-browser-'));
  const browser = await recorder(dir, 'browser');
  process.env.TOKENTRAY_CLIENT_SECRET = 'env-client-secret-never-inherited';
  process.env.TOKENTRAY_REFRESH_TOKEN = 'env-refresh-token-never-inherited';
  try {
    await openUrl(url, { BROWSER: browser.command });
    const env = await browser.env();
    assert.ok(!env.includes('never-inherited'), 'no secret value');
    assert.doesNotMatch(env, /TOKENTRAY_CLIENT_SECRET|TOKENTRAY_REFRESH_TOKEN/);
    assert.match(env, /^PATH=/m, 'the rest of the environment is passed on');
  } finally {
    delete process.env.TOKENTRAY_CLIENT_SECRET;
    delete process.env.TOKENTRAY_REFRESH_TOKEN;
  }
});
