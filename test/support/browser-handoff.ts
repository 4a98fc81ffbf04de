import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { listenOnLoopback } from './loopback.js';

/** What one "browser" start looked like from the inside. */
export interface BrowserLaunch {
  /** Where the page it was given leads. */
  url: string;
  /** The page file it was given (absent when it got a URL directly). */
  page?: string;
  /** That file's permission bits. */
  pageMode?: number;
  /** Its command line as /proc/self/cmdline shows it to every local user. */
  argv: string[];
  /** The environment it inherited. */
  env: Record<string, string>;
}

export interface BrowserHandoff {
  /** The environment that makes the CLI "open a browser" by handing the URL to this test. */
  env: { BROWSER: string };
  /** The next URL the CLI asked to open. */
  nextUrl(): Promise<string>;
  /** Every browser start so far, in order. */
  readonly launches: BrowserLaunch[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The user's browser, for tests: Debian's Chromium under Playwright. The CLI opens URLs with the
 * command in BROWSER, as it would on a desktop; here that command posts the URL to this process.
 */
export async function startBrowserHandoff(): Promise<BrowserHandoff> {
  const browser = await launchChromium();
  const waiting: ((url: string) => void)[] = [];
  const queued: string[] = [];
  const launches: BrowserLaunch[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const launch = JSON.parse(body) as BrowserLaunch;
      launches.push(launch);
      const next = waiting.shift();
      if (next === undefined) queued.push(launch.url);
      else next(launch.url);
      res.end('ok');
    });
  });
  const { port } = new URL(await listenOnLoopback(server));
  const script = fileURLToPath(new URL('./hand-url-to-test.mjs', import.meta.url));
  return {
    // The port travels in the command itself: a CLI run in-process starts it with this process's
    // environment, not the one the test gave the CLI. (A URL would not do: ":" separates commands.)
    env: { BROWSER: `${process.execPath} ${script} ${port} %s` },
    launches,
    nextUrl: () => {
      const url = queued.shift();
      if (url !== undefined) return Promise.resolve(url);
      // A CLI that fails before opening a browser must fail the test, not hang it.
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('timed out after 30 s waiting for the CLI to open a URL')),
          30_000,
        );
        waiting.push((next) => {
          clearTimeout(timer);
          resolve(next);
        });
      });
    },
    newPage: () => browser.newPage(),
    async close() {
      server.close();
      await browser.close();
    },
  };
}
