import type { Account } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import type { OptionsView } from '../../common/ipc-contract.js';

/**
 * A question the main process puts to the user in a native dialog, which the renderer can
 * neither see nor answer. It guards what a compromised renderer could otherwise do quietly:
 * send a sign-in's code and secrets to endpoints it picked, turn off updates, leave tokens on
 * the clipboard for good, or remove accounts.
 */
export interface ConfirmQuestion {
  title: string;
  message: string;
  detail: string;
  /** The button that goes ahead; the other one, the default, is "Cancel". */
  confirmLabel: string;
}

/** Shows the question; true only if the user chose to go ahead. */
export type AskUser = (question: ConfirmQuestion) => Promise<boolean>;

/** Clipboard clear times below this need the user's word: 0 means the token is never cleared. */
export const MIN_UNCONFIRMED_CLEAR_SECONDS = 10;

/**
 * Custom and OpenID providers are the ones whose endpoints came from the window (typed, or
 * discovered from a typed issuer). Presets (Google, Microsoft, GitHub) have endpoints of our own.
 */
export function signInQuestion(account: Account): ConfirmQuestion | undefined {
  if (account.provider !== 'custom' && account.provider !== 'oidc') return undefined;
  const token = new URL(account.tokenEndpoint).host;
  const lines = [
    account.authorizationEndpoint === undefined
      ? undefined
      : `You sign in at: ${new URL(account.authorizationEndpoint).host}`,
    `The sign-in code, refresh token and client secret go to: ${token}`,
    account.issuer === undefined ? undefined : `Found from the issuer ${account.issuer}`,
    '',
    'Continue only if you typed these yourself and trust them.',
  ].filter((line) => line !== undefined);
  return {
    title: 'TokenTray: confirm the sign-in servers',
    message: `Add "${account.name}" with these servers?`,
    detail: lines.join('\n'),
    confirmLabel: 'Continue',
  };
}

/** An options change that weakens a defence, or undefined when it needs no one's word. */
export function optionsQuestion(
  current: OptionsView,
  patch: Partial<OptionsView>,
): ConfirmQuestion | undefined {
  const weaker: string[] = [];
  if (patch.autoUpdate === false && current.autoUpdate)
    weaker.push('Automatic updates will be turned off: security fixes will not be installed.');
  const clear = patch.clipboardClearSeconds;
  if (
    clear !== undefined &&
    clear < MIN_UNCONFIRMED_CLEAR_SECONDS &&
    clear !== current.clipboardClearSeconds
  )
    weaker.push(
      clear === 0
        ? 'A copied token will stay on the clipboard until something else replaces it.'
        : `A copied token will be cleared from the clipboard after ${clear} s.`,
    );
  if (weaker.length === 0) return undefined;
  return {
    title: 'TokenTray: confirm the change',
    message: 'Change these options?',
    detail: weaker.join('\n'),
    confirmLabel: 'Change',
  };
}

export function removeQuestion(account: Account, revoke: boolean): ConfirmQuestion {
  return {
    title: 'TokenTray: confirm removal',
    message: `Remove "${account.label}"?`,
    detail: revoke
      ? 'Its access will be revoked at the provider, and its tokens deleted from this computer.'
      : 'Its tokens will be deleted from this computer.',
    confirmLabel: 'Remove',
  };
}

/** Asks, and throws `cancelled` when the user (or a closed dialog) said no. */
export async function requireConsent(
  ask: AskUser,
  question: ConfirmQuestion | undefined,
): Promise<void> {
  if (question === undefined) return;
  if (await ask(question)) return;
  throw new TokenTrayError('cancelled', 'Not confirmed: nothing was changed.', {
    hint: 'TokenTray asked in its own dialog, and the answer was no.',
  });
}
