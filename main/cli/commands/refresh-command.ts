import { TokenTrayError } from '../../common/errors.js';
import { openCliEngine } from '../cli-context.js';
import { describeLifetime } from './describe-lifetime.js';

/** `tokentray refresh <name>`: a refresh now, whatever the cached token's age. */
export async function refreshCommand(args: string[]): Promise<void> {
  const [name, extra] = args;
  if (name === undefined || extra !== undefined || name.startsWith('-'))
    throw new TokenTrayError('usage', 'Usage: tokentray refresh <name>');
  const engine = openCliEngine();
  const record = await engine.refresh(name);
  process.stderr.write(
    `Refreshed "${name}". The new token is valid for ${describeLifetime(record.expiresAt - engine.clock.now())}.\n`,
  );
}
