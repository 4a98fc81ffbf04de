/* global process, fetch */
// The test's stand-in for a browser command: `BROWSER` points here, and instead of opening the
// URL it hands it to the test (which opens it in Playwright's Chromium). Plain JS: it runs as is.
const [url] = process.argv.slice(2);
const target = process.env.TOKENTRAY_TEST_HANDOFF;
if (url === undefined || target === undefined) process.exit(2);
const response = await fetch(target, { method: 'POST', body: url });
process.exit(response.ok ? 0 : 1);
