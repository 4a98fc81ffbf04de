import { readFileSync } from 'node:fs';
import { TokenTrayError } from '../../common/errors.js';
import { settingsPath } from '../../node/paths.js';
import type { CliContext } from '../cli-context.js';
import { completionScript, SHELLS, type Shell } from '../completion-scripts.js';

/** `tokentray completion bash|zsh|fish`: prints the script to install (README: Shell completion). */
export async function completionCommand(args: string[], context: CliContext): Promise<void> {
  const [shell, extra] = args;
  if (
    shell === undefined ||
    extra !== undefined ||
    !(SHELLS as readonly string[]).includes(shell)
  ) {
    throw new TokenTrayError('usage', `Usage: tokentray completion ${SHELLS.join('|')}`);
  }
  context.stdout.write(completionScript(shell as Shell));
}

/**
 * `tokentray __complete accounts`, what the scripts call: the account names, one a line, from a
 * plain read of the settings file. No keychain, no network, nothing secret; any trouble prints
 * nothing, since a completion must never fail loudly at the prompt.
 */
export async function completeCommand(args: string[], context: CliContext): Promise<void> {
  if (args[0] !== 'accounts') return;
  try {
    const data = JSON.parse(readFileSync(settingsPath(context.dataDir), 'utf8')) as {
      accounts?: Record<string, unknown>;
    };
    const names = Object.keys(data.accounts ?? {}).sort();
    if (names.length > 0) context.stdout.write(`${names.join('\n')}\n`);
  } catch {
    // No settings yet, or unreadable: no names to offer.
  }
}
