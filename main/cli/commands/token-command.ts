import { openCliEngine } from '../cli-context.js';
import { parseTokenArgs } from '../token-args.js';
import { formatToken } from '../token-output.js';

/** `tokentray token <name>`, the full path: refresh when the cached token will not do. */
export async function tokenCommand(args: string[]): Promise<void> {
  const { name, format, minTtl } = parseTokenArgs(args);
  const record = await openCliEngine().getToken(name, { minTtl });
  process.stdout.write(formatToken(record, format));
}
