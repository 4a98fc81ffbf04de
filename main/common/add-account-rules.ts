import type { ClientAuthMethod, SignInMethod } from './account.js';
import { TokenTrayError } from './errors.js';
import type { ProviderView } from './ipc-contract.js';

/**
 * The rules of adding an account that need nothing but the request: one place for the CLI, the
 * renderer's form and the engine's sign-in, so each states them the same way.
 */
export function accountExists(name: string): TokenTrayError {
  return new TokenTrayError('account_exists', `An account named "${name}" already exists.`, {
    hint: `Pick another name, or run \`tokentray remove ${name}\` first.`,
  });
}

/** Whether an account being added needs a client secret, and if it must have one, why. */
export type SecretRule =
  { need: 'none' | 'optional' } | { need: 'required'; because: string; hint: string };

/**
 * "Which accounts need a client secret", written once: the CLI asks for it by this rule, the
 * form shows its field by it, and the sign-in refuses a request that breaks it.
 */
export function clientSecretRule(
  preset: Pick<ProviderView, 'title' | 'clientSecret' | 'register'>,
  method: SignInMethod,
  clientAuth?: ClientAuthMethod,
): SecretRule {
  if (clientAuth === 'none') return { need: 'none' };
  if (clientAuth === 'client_secret_basic' || clientAuth === 'client_secret_post')
    return {
      need: 'required',
      because: `Client authentication ${clientAuth} needs the client secret.`,
      hint: 'Give the client secret, or choose "none" for a public client.',
    };
  if (method === 'client-credentials')
    return {
      need: 'required',
      because: 'A machine account needs its client secret.',
      hint: 'Set TOKENTRAY_CLIENT_SECRET or type it at the prompt.',
    };
  if (preset.clientSecret === 'required')
    return {
      need: 'required',
      because: `${preset.title} needs the client secret.`,
      hint: `Set TOKENTRAY_CLIENT_SECRET or type it at the prompt. ${preset.register}`,
    };
  return { need: preset.clientSecret };
}
