/* global process, fetch */
// The test's stand-in for a browser command: `BROWSER` points here, and instead of opening the
// URL it hands it to the test (which opens it in Playwright's Chromium). Plain JS: it runs as is.
const [port, url] = process.argv.slice(2);
if (port === undefined || url === undefined) process.exit(2);
const response = await fetch(`http://127.0.0.1:${port}/open`, { method: 'POST', body: url });
process.exit(response.ok ? 0 : 1);
