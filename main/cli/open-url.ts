import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { redirectPage } from '../node/redirect-page.js';
import { withoutSecrets } from './secret-input.js';

/**
 * Opens a URL the way xdg-open and most CLIs do: with the command(s) in `BROWSER` when it is set
 * (a ":"-separated list tried in order; "%s" marks where it goes, else it is appended),
 * otherwise with the OS's own opener. No shell is involved, so nothing is interpreted.
 *
 * The URL itself never goes on a command line, where any local user can read it: the opener gets
 * the path of a private page that leads to it (redirectPage); the caller prints the URL itself
 * for the user.
 * Resolves once a command started; rejects if none could be.
 */
export async function openUrl(url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const page = redirectPage(url);
  const candidates =
    env.BROWSER !== undefined && env.BROWSER.trim() !== ''
      ? // ":" separates commands, except on Windows where it is part of a drive path.
        (process.platform === 'win32' ? [env.BROWSER] : env.BROWSER.split(':')).map((command) =>
          withTarget(command, page),
        )
      : [osOpener(page)];
  let lastError: unknown;
  for (const argv of candidates) {
    const [command, ...args] = argv;
    if (command === undefined) continue;
    try {
      await launch(command, args);
      return;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError instanceof Error ? lastError : new Error('no browser command');
}

function withTarget(command: string, target: string): string[] {
  const words = command.trim().split(/\s+/).filter(Boolean);
  return words.some((w) => w.includes('%s'))
    ? words.map((w) => w.replaceAll('%s', target))
    : [...words, target];
}

function osOpener(path: string): string[] {
  if (process.platform === 'darwin') return ['open', path];
  // rundll32 hands the file to the default browser without cmd.exe's quoting rules.
  if (process.platform === 'win32')
    return ['rundll32', 'url.dll,FileProtocolHandler', pathToFileURL(path).href];
  return ['xdg-open', path];
}

function launch(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: 'ignore',
      detached: true,
      env: withoutSecrets(process.env),
    });
    child.once('error', reject);
    child.once('spawn', () => {
      // The browser outlives us; don't wait for it.
      child.unref();
      resolve();
    });
  });
}
