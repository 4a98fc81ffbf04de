import { parseArgs } from 'node:util';
import { TokenTrayError } from '../common/errors.js';

export type TokenFormat = 'raw' | 'header' | 'json' | 'exec-credential';
const FORMATS: readonly TokenFormat[] = ['raw', 'header', 'json', 'exec-credential'];
export interface TokenArgs {
  name: string;
  format: TokenFormat;
  minTtl: number;
}

/** `tokentray token <name> [--format raw|header|json|exec-credential] [--min-ttl <seconds>]`, shared by both paths. */
export function parseTokenArgs(args: string[]): TokenArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'raw' },
      'min-ttl': { type: 'string', default: '60' },
    },
  });
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined) {
    throw new TokenTrayError(
      'usage',
      'Usage: tokentray token <name> [--format raw|header|json|exec-credential] [--min-ttl <seconds>]',
    );
  }
  const format = values.format;
  if (!isTokenFormat(format)) {
    throw new TokenTrayError('usage', `Unknown --format "${format}".`, {
      hint: `Use ${FORMATS.join(', ')}.`,
    });
  }
  return { name, format, minTtl: parseMinTtl(values['min-ttl']) };
}

/** `--min-ttl <seconds>`, for every command that hands out a token. */
export function parseMinTtl(value: string): number {
  const minTtl = Number(value);
  if (!Number.isInteger(minTtl) || minTtl < 0 || minTtl > 86_400) {
    throw new TokenTrayError(
      'usage',
      `--min-ttl must be a whole number of seconds from 0 to 86400, not "${value.slice(0, 40)}".`,
    );
  }
  return minTtl;
}

function isTokenFormat(value: string): value is TokenFormat {
  return (FORMATS as readonly string[]).includes(value);
}
