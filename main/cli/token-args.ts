import { parseArgs } from 'node:util';
import { TokenTrayError } from '../common/errors.js';

export type TokenFormat = 'raw' | 'header' | 'json' | 'exec-credential';
const FORMATS: readonly TokenFormat[] = ['raw', 'header', 'json', 'exec-credential'];
export interface TokenArgs {
  name: string;
  format: TokenFormat;
  /** Absent unless given: then the default rule of main/common/token-need.ts applies. */
  minTtl?: number;
}

/** `tokentray token <name> [--format raw|header|json|exec-credential] [--min-ttl <seconds>]`, shared by both paths. */
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
      'Usage: tokentray token <name> [--format raw|header|json|exec-credential] [--min-ttl <seconds>]',
    );
  }
  const format = values.format;
  if (!isTokenFormat(format)) {
    throw new TokenTrayError('usage', `Unknown --format "${format}".`, {
      hint: `Use ${FORMATS.join(', ')}.`,
    });
  }
  const minTtl = parseMinTtl(values['min-ttl']);
  return minTtl === undefined ? { name, format } : { name, format, minTtl };
}

/**
 * `--min-ttl <seconds>`, for every command that hands out a token; undefined when not given, so
 * the default rule applies (see main/common/token-need.ts).
 */
export function parseMinTtl(given: string | undefined): number | undefined {
  if (given === undefined) return undefined;
  const minTtl = Number(given);
  if (given.trim() === '' || !Number.isInteger(minTtl) || minTtl < 0 || minTtl > 86_400) {
    throw new TokenTrayError(
      'usage',
      `--min-ttl must be a whole number of seconds from 0 to 86400, not "${given.slice(0, 40)}".`,
    );
  }
  return minTtl;
}

function isTokenFormat(value: string): value is TokenFormat {
  return (FORMATS as readonly string[]).includes(value);
}
