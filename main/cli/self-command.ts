import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join, sep } from 'node:path';

/**
 * How another program (git, a shell) should start this CLI: `tokentray` when that name is on the
 * user's PATH, else the absolute paths of the Node binary and the script running now, as in an
 * `npx` checkout. npm's own `node_modules/.bin` folders do not count: npx puts them on the PATH
 * of the process it starts, not of the user's later shells.
 */
export function selfCommand(env: NodeJS.ProcessEnv): string {
  if (onUserPath('tokentray', env)) return 'tokentray';
  const script = process.argv[1];
  const words =
    script === undefined ? [process.execPath] : [process.execPath, realpathSync(script)];
  return words.map(shellQuote).join(' ');
}

function onUserPath(name: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '' || dir.endsWith(`node_modules${sep}.bin`)) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // Not here.
    }
  }
  return false;
}

/** One word for sh, which git uses to run a `!` helper. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
