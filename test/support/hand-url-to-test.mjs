/* global process, fetch */
// The test's stand-in for a browser command: `BROWSER` points here, and instead of opening the
// page it hands the URL it leads to to the test (which opens it in Playwright's Chromium), with
// what a browser would have inherited: its command line, its environment, the page's file mode.
// The test's port comes first in the command (see browser-handoff.ts). Plain JS: it runs as is.
import { readFileSync, statSync } from 'node:fs';

const [port, target] = process.argv.slice(2);
if (port === undefined || target === undefined) process.exit(2);
let url = target;
let pageMode;
if (!/^https?:/.test(target)) {
  // TokenTray hands over a private page that redirects; read where it leads, as a browser would.
  const html = readFileSync(target, 'utf8');
  const href = /id="continue" href="([^"]*)"/.exec(html)?.[1] ?? '';
  url = href
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  pageMode = statSync(target).mode & 0o777;
}
const response = await fetch(`http://127.0.0.1:${port}/open`, {
  method: 'POST',
  body: JSON.stringify({
    url,
    page: target === url ? undefined : target,
    pageMode,
    argv: readFileSync('/proc/self/cmdline', 'utf8').split('\0'),
    env: process.env,
  }),
});
process.exit(response.ok ? 0 : 1);
