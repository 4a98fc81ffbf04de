import { spawn } from 'node:child_process';

/**
 * Opens a URL the way xdg-open and most CLIs do: with the command(s) in `BROWSER` when it is set
 * (a ":"-separated list tried in order; "%s" marks where the URL goes, else it is appended),
 * otherwise with the OS's own opener. No shell is involved, so the URL is never interpreted.
 * Resolves once a command started; rejects if none could be.
 */
export async function openUrl(url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const candidates =
    env.BROWSER !== undefined && env.BROWSER.trim() !== ''
      ? // ":" separates commands, except on Windows where it is part of a drive path.
        (process.platform === 'win32' ? [env.BROWSER] : env.BROWSER.split(':')).map((command) =>
          withUrl(command, url),
        )
      : [osOpener(url)];
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

function withUrl(command: string, url: string): string[] {
  const words = command.trim().split(/\s+/).filter(Boolean);
  return words.some((w) => w.includes('%s'))
    ? words.map((w) => w.replaceAll('%s', url))
    : [...words, url];
}

function osOpener(url: string): string[] {
  if (process.platform === 'darwin') return ['open', url];
  // rundll32 hands the URL to the default browser without cmd.exe's quoting rules.
  if (process.platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  return ['xdg-open', url];
}

function launch(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      // The browser outlives us; don't wait for it.
      child.unref();
      resolve();
    });
  });
}
