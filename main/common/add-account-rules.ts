import { TokenTrayError } from './errors.js';

/**
 * The rules of adding an account that need nothing but the request: one place for the CLI, the
 * renderer's form and the engine's sign-in, so each states them the same way.
 */
export function accountExists(name: string): TokenTrayError {
  return new TokenTrayError('account_exists', `An account named "${name}" already exists.`, {
    hint: `Pick another name, or run \`tokentray remove ${name}\` first.`,
  });
}
