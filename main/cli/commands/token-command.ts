import { acquireToken } from '../acquire-token.js';
import type { CliContext } from '../cli-context.js';
import { parseTokenArgs } from '../token-args.js';
import { formatToken } from '../token-output.js';

/**
 * `tokentray token <name>`, the full path. While the app runs it answers (and alone refreshes);
 * otherwise this process refreshes when the cached token will not do, under the account's lock.
 */
export async function tokenCommand(args: string[], context: CliContext): Promise<void> {
  const parsed = parseTokenArgs(args);
  context.stdout.write(formatToken(await acquireToken(context, parsed), parsed.format));
}
