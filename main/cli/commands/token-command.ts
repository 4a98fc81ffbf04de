import { redact } from '../../common/redact.js';
import { tokenFromApp } from '../cached-token.js';
import type { CliContext } from '../cli-context.js';
import { parseTokenArgs } from '../token-args.js';
import { formatToken } from '../token-output.js';

/**
 * `tokentray token <name>`, the full path. While the app runs it answers (and alone refreshes);
 * otherwise this process refreshes when the cached token will not do, under the account's lock.
 */
export async function tokenCommand(args: string[], context: CliContext): Promise<void> {
  const parsed = parseTokenArgs(args);
  const warn = (message: string) =>
    context.stderr.write(`tokentray: warning: ${redact(message)}\n`);
  const answer = await tokenFromApp(parsed, context.env);
  if (answer?.ok === false) throw answer.error;
  if (answer?.warning !== undefined) warn(answer.warning);
  const record =
    answer?.value ??
    (await context.engine().getToken(parsed.name, {
      ...(parsed.minTtl === undefined ? {} : { minTtl: parsed.minTtl }),
      onWarning: warn,
    }));
  context.stdout.write(formatToken(record, parsed.format));
}
