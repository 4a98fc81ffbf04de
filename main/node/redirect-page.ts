import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes a private page that sends the browser on to `url`, and returns its path: what the CLI
 * and, on Linux, the app hand to the browser opener instead of the URL itself.
 *
 * An authorization URL carries the state, the PKCE challenge and the loopback port, enough to
 * race our listener or slip in a code of one's own. On a command line (xdg-open's, the
 * browser's) any local user can read it in /proc/<pid>/cmdline; a path to a 0600 file in a 0700
 * folder gives them nothing. The page is deleted when this process exits.
 */
export function redirectPage(url: string): string {
  const href = escapeAttribute(new URL(url).href);
  // mkdtemp makes the folder 0700; the file is 0600 on top, so only this user can read it.
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-open-'));
  const path = join(dir, 'sign-in.html');
  writeFileSync(
    path,
    `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0; url=${href}"><title>TokenTray</title>
<p>Opening the sign-in page. If nothing happens, <a id="continue" href="${href}">continue here</a>.</p></html>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return path;
}

function escapeAttribute(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
