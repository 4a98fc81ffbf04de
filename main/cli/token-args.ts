import { parseArgs } from 'node:util';
import { TokenTrayError } from '../common/errors.js';

export type TokenFormat = 'raw' | 'header' | 'json';
export interface TokenArgs {
  name: string;
  format: TokenFormat;
  /** Absent unless given: then the default rule of main/common/token-need.ts applies. */
  minTtl?: number;
}

/** `tokentray token <name> [--format raw|header|json] [--min-ttl <seconds>]`, shared by both paths. */
export function parseTokenArgs(args: string[]): TokenArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'raw' },
      'min-ttl': { type: 'string' },
    },
  });
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined) {
    throw new TokenTrayError(
      'usage',
      'Usage: tokentray token <name> [--format raw|header|json] [--min-ttl <seconds>]',
    );
  }
  const format = values.format;
  if (format !== 'raw' && format !== 'header' && format !== 'json') {
    throw new TokenTrayError('usage', `Unknown --format "${format}".`, {
      hint: 'Use raw, header or json.',
    });
  }
  const given = values['min-ttl'];
  if (given === undefined) return { name, format };
  const minTtl = Number(given);
  if (given.trim() === '' || !Number.isInteger(minTtl) || minTtl < 0 || minTtl > 86_400) {
    throw new TokenTrayError(
      'usage',
      `--min-ttl must be a whole number of seconds from 0 to 86400, not "${given}".`,
    );
  }
  return { name, format, minTtl };
}
