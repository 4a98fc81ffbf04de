// The renderer windows, in Debian's Chromium, wired to the real desktop service without Electron.
//
// What Electron does, and what stands in for it here:
// - the page comes from dist/renderer, as built, served over loopback HTTP (so the pages' CSP
//   'self' means what it means under file://: our own files and nothing else);
// - the preload's `window.tokentray` is built by the very same createTokenTrayApi (main/common/
//   ipc-api.ts, bundled for the browser by esbuild here), on an invoke and a subscribe that go
//   through a Playwright binding instead of ipcRenderer;
// - the IPC gate's checks run in front of every call: the caller must be the page's top frame
//   showing our origin, then callDesktopService validates the arguments and returns
//   `{ ok, value | error }` exactly as the gate does;
// - `accounts:changed` reaches the page's subscribers as the preload's ipcRenderer.on would.
// The renderer code is not changed or told: it cannot tell this transport from the preload.

import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import type { IpcHandlers } from '../../main/common/ipc-contract.js';
import type { DesktopService } from '../../main/node/desktop/desktop-service.js';
import {
  callDesktopService,
  isIpcChannel,
  refusedSender,
  toIpcError,
} from '../../main/node/desktop/desktop-service-call.js';
import { TokenTrayError } from '../../main/common/errors.js';
import { launchChromium } from '../support/chromium.js';
import { listenOnLoopback } from '../support/loopback.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
// The built windows; TOKENTRAY_RENDERER_DIR points elsewhere (a build of one's own while another
// build of the shared checkout is under way).
const rendererDir = resolve(process.env.TOKENTRAY_RENDERER_DIR ?? join(repoRoot, 'dist/renderer'));

/** What the preload would be: the shared API object over a binding, plus an event registry. */
async function preloadScript(): Promise<string> {
  const entry = `
    import { createTokenTrayApi } from './main/common/ipc-api.ts';
    const listeners = new Map();
    const invoke = (channel, ...args) => window.__tokentrayInvoke(channel, args);
    const subscribe = (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return () => listeners.get(channel).delete(listener);
    };
    Object.defineProperty(window, '__tokentrayDispatch', {
      value: (channel, payload) => { for (const l of listeners.get(channel) ?? []) l(payload); },
    });
    // contextBridge hands the page a frozen copy; so does this.
    Object.defineProperty(window, 'tokentray', {
      value: Object.freeze(createTokenTrayApi(invoke, subscribe)),
    });`;
  const result = await build({
    stdin: { contents: entry, resolveDir: repoRoot, loader: 'ts', sourcefile: 'test-preload.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome130',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no preload bundle');
  return file.text;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** dist/renderer over HTTP on 127.0.0.1, nothing outside it. */
async function serveRenderer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(rendererDir, path);
    if (!file.startsWith(rendererDir + sep)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, {
            'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          })
          .end(body),
      () => res.writeHead(404).end(),
    );
  });
  return { server, origin: await listenOnLoopback(server) };
}

export type WindowName = 'accounts' | 'settings';

export interface RendererWindow {
  page: Page;
  /** Every console message the page printed. */
  console: string[];
  /** Every value that crossed to the page (call results and events), as JSON, for leak checks. */
  sent: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  /** Installs Playwright's fake clock (page.clock) before the page loads, at the real time. */
  fakeClock?: boolean;
  viewport?: { width: number; height: number };
}

/** One Chromium and one HTTP server for a test file; windows open on a desktop service. */
export class RendererTransport {
  private constructor(
    readonly browser: Browser,
    private readonly server: Server,
    readonly origin: string,
    private readonly preload: string,
  ) {}

  static async start(browser?: Browser): Promise<RendererTransport> {
    const [{ server, origin }, preload, chromiumBrowser] = await Promise.all([
      serveRenderer(),
      preloadScript(),
      browser ?? launchChromium(),
    ]);
    return new RendererTransport(chromiumBrowser, server, origin, preload);
  }

  /** Opens a window (its own browser context, as each BrowserWindow has its own webContents). */
  async open(
    service: DesktopService,
    name: WindowName,
    options: OpenOptions = {},
  ): Promise<RendererWindow> {
    const context: BrowserContext = await this.browser.newContext({
      viewport: options.viewport ?? { width: 520, height: name === 'accounts' ? 420 : 720 },
      colorScheme: options.colorScheme ?? 'light',
    });
    const page = await context.newPage();
    const consoleLines: string[] = [];
    const sent: string[] = [];
    page.on('console', (message) => consoleLines.push(message.text()));
    page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
    await page.exposeBinding(
      '__tokentrayInvoke',
      async (source, channel: unknown, args: unknown) => {
        const result = await this.call(service.handlers, source.frame, channel, args);
        sent.push(JSON.stringify(result));
        return result;
      },
    );
    await page.addInitScript({ content: this.preload });
    if (options.fakeClock === true) await page.clock.install({ time: Date.now() });
    const stop = service.onAccountsChanged((accounts) => {
      sent.push(JSON.stringify(accounts));
      page
        .evaluate(([channel, payload]) => window.__tokentrayDispatch(channel, payload), [
          'accounts:changed',
          accounts,
        ] as const)
        .catch(() => undefined); // the window closed meanwhile
    });
    await page.goto(`${this.origin}/${name}/${name}.html`);
    return {
      page,
      console: consoleLines,
      sent,
      close: async () => {
        stop();
        await context.close();
      },
    };
  }

  /** The gate, as far as it exists outside Electron: who is asking, then the shared call runner. */
  private async call(handlers: IpcHandlers, frame: Frame, channel: unknown, args: unknown) {
    const url = new URL(frame.url());
    if (frame.parentFrame() !== null || url.origin !== this.origin) return refusedSender();
    if (!isIpcChannel(channel) || !Array.isArray(args)) {
      return {
        ok: false,
        error: toIpcError(new TokenTrayError('invalid_input', 'Unknown call.')),
      } as const;
    }
    return callDesktopService(handlers, channel, args);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((done) => {
      this.server.close(() => done());
      this.server.closeAllConnections();
    });
  }
}

declare global {
  interface Window {
    __tokentrayDispatch(channel: string, payload: unknown): void;
  }
}
