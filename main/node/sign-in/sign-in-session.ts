import { randomBytes } from 'node:crypto';
import { REDIRECT_PORT_HINT, type Account, type SignInMethod } from '../../common/account.js';
import type { TimerHandle } from '../../common/clock.js';
import { TokenTrayError } from '../../common/errors.js';
import type { AddAccountRequest } from '../../common/ipc-contract.js';
import { provePastedToken, replaceGrant, storeNewAccount } from '../engine/account-registry.js';
import { engineParts, type TokenEngine } from '../engine/token-engine.js';
import {
  buildAuthorizationRequest,
  exchangeAuthorizationCode,
} from '../oauth/authorization-code.js';
import { pollForDeviceToken, requestDeviceAuthorization } from '../oauth/device-authorization.js';
import type { GrantOutcome } from '../oauth/token-response.js';
import { draftAccount } from './account-draft.js';
import { listenForRedirect, type LoopbackRedirect } from './loopback-redirect.js';

export { providerViews } from './provider-presets.js';

/** What the user must see or do while a sign-in runs. */
export type SignInPrompt =
  | { kind: 'browser'; authorizationUrl: string }
  | {
      kind: 'device';
      userCode: string;
      verificationUri: string;
      verificationUriComplete?: string;
      /** Epoch ms. */
      expiresAt: number;
    }
  /** Paste and client credentials: nothing to show, `done` settles on its own. */
  | { kind: 'none' };

export interface SignInDeps {
  /** Opens a URL in the user's browser: `BROWSER` or the OS default in the CLI, openInBrowser in the app. */
  openUrl: (url: string) => Promise<void>;
  /** How long a sign-in may wait for the user: default 5 minutes in the browser, the code's life on a device. */
  timeoutMs?: number;
  /** For device flow: open the verification URL too (the CLI's --open). */
  openDeviceUrl?: boolean;
  /** Things the user should know that do not end the sign-in. */
  onWarning?: (message: string) => void;
  /**
   * Asked once the account is drafted (endpoints known) and before anything is sent to them;
   * rejects to stop. The app asks the user in a native dialog here; the CLI's user typed it all.
   */
  confirm?: (account: Account) => Promise<void>;
}

export interface SignInSession {
  readonly id: string;
  readonly method: SignInMethod;
  readonly prompt: SignInPrompt;
  /** The account once it is stored; rejects with a TokenTrayError, and then nothing is stored. */
  readonly done: Promise<Account>;
  /** Stops waiting; `done` rejects with code 'cancelled'. */
  cancel(): void;
}

export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/** Starts adding an account by any method. Bad input rejects here, before anything is sent. */
export async function startSignIn(
  engine: TokenEngine,
  request: AddAccountRequest,
  deps: SignInDeps,
): Promise<SignInSession> {
  const { account, clientSecret } = await draftAccount(engine, request);
  await deps.confirm?.(account);
  // A sign-in hands us a refresh token that exists nowhere else: be sure we can keep it.
  await engineParts(engine).vault.probe();
  switch (request.method) {
    case 'paste':
      return settled('paste', async () => {
        await provePastedToken(
          engine,
          account,
          clientSecret,
          (request.refreshToken ?? '').trim(),
        ).catch((err: unknown) => {
          throw whatARefusalCost(err);
        });
        return engineParts(engine).settings.requireAccount(account.name);
      });
    case 'client-credentials':
      return settled('client-credentials', async () => {
        const { record } = await engineParts(engine).client.clientCredentials(
          account,
          clientSecret,
        );
        return storeNewAccount(engine, account, clientSecret, { record });
      });
    default:
      return interactive(engine, request.method, account, clientSecret, deps, (grant) =>
        storeNewAccount(engine, account, clientSecret, grant),
      );
  }
}

/** Signs an existing account in again, the way it was added, replacing its refresh token. */
export async function startSignInAgain(
  engine: TokenEngine,
  name: string,
  method: 'browser' | 'device',
  deps: SignInDeps,
): Promise<SignInSession> {
  const account = engineParts(engine).settings.requireAccount(name);
  if (account.grant === 'client_credentials') {
    throw new TokenTrayError('usage', `"${name}" is a machine account; it has no one to sign in.`, {
      hint: 'Check its client secret, then use Refresh now.',
    });
  }
  const clientSecret =
    account.clientAuth === 'none'
      ? undefined
      : await engineParts(engine).vault.get(name, 'client_secret');
  await engineParts(engine).vault.probe();
  return interactive(engine, method, account, clientSecret, deps, (grant) =>
    replaceGrant(engine, name, grant),
  );
}

/** A session with nothing for the user to do: it runs at once. */
function settled(method: SignInMethod, run: () => Promise<Account>): SignInSession {
  const done = run();
  done.catch(() => undefined);
  return { id: newFlowId(), method, prompt: { kind: 'none' }, done, cancel: () => undefined };
}

/**
 * A sign-in that waits for the user: in the browser (RFC 8252) or on another device (RFC 8628).
 * It ends at the first of: the grant stored, an error, the timeout, or cancel(). Whatever ends
 * it, nothing is stored unless the whole flow succeeded.
 */
async function interactive(
  engine: TokenEngine,
  method: 'browser' | 'device',
  account: Account,
  clientSecret: string | undefined,
  deps: SignInDeps,
  store: (grant: GrantOutcome) => Promise<Account>,
): Promise<SignInSession> {
  const controller = new AbortController();
  let timer: TimerHandle | undefined;
  // Held (keepAlive): the timeout is what ends a device sign-in nobody finishes.
  const timeOutIn = (ms: number) => {
    timer = engineParts(engine).clock.setTimer(() => controller.abort(timedOut(ms, method)), ms, {
      keepAlive: true,
    });
  };
  const clearTimeOut = () => {
    if (timer !== undefined) engineParts(engine).clock.clearTimer(timer);
  };
  const { signal } = controller;
  const keep = async (grant: GrantOutcome): Promise<Account> => {
    // cancel() or the timeout may have come while the code was being exchanged.
    if (signal.aborted) throw signal.reason;
    requireRefreshToken(account, grant);
    return store(grant);
  };
  const finish = (run: Promise<Account>) => {
    const done = run.finally(clearTimeOut);
    done.catch(() => undefined);
    return done;
  };
  const cancel = () =>
    controller.abort(
      new TokenTrayError('cancelled', 'Sign-in cancelled.', { hint: 'Nothing was stored.' }),
    );

  try {
    if (method === 'browser') {
      timeOutIn(deps.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS);
      // The state is made with the request, which needs the listener's port: fill it in below.
      const expected: { state?: string } = {};
      const redirect = await listenForRedirect(
        signal,
        (params) => expected.state !== undefined && params.get('state') === expected.state,
        () =>
          deps.onWarning?.(
            'Ignored a sign-in response whose state did not match ours (RFC 6749 §10.12); still waiting for yours.',
          ),
        account.redirectPort,
      );
      const pending = await buildAuthorizationRequest(account, redirect.redirectUri);
      expected.state = pending.state;
      const done = finish(
        answerRedirect(redirect, async (callback) =>
          keep(
            await exchangeAuthorizationCode(
              engineParts(engine).client,
              account,
              clientSecret,
              pending,
              callback,
            ),
          ),
        ),
      );
      void deps.openUrl(pending.authorizationUrl).catch(() => undefined);
      return {
        id: newFlowId(),
        method,
        prompt: { kind: 'browser', authorizationUrl: pending.authorizationUrl },
        done,
        cancel,
      };
    }

    const device = await requestDeviceAuthorization(
      engineParts(engine).client,
      account,
      clientSecret,
    );
    // RFC 8628 §3.5: poll for as long as the code lives, unless told to give up sooner.
    const lifeMs = Math.max(1_000, device.expiresAt - engineParts(engine).clock.now());
    timeOutIn(Math.min(deps.timeoutMs ?? lifeMs, lifeMs));
    const done = finish(
      pollForDeviceToken(
        engineParts(engine).client,
        account,
        clientSecret,
        device,
        signal,
        engineParts(engine).clock,
      ).then(keep),
    );
    if (deps.openDeviceUrl === true)
      void deps
        .openUrl(device.verificationUriComplete ?? device.verificationUri)
        .catch(() => undefined);
    return {
      id: newFlowId(),
      method,
      prompt: {
        kind: 'device',
        userCode: device.userCode,
        verificationUri: device.verificationUri,
        ...(device.verificationUriComplete === undefined
          ? {}
          : { verificationUriComplete: device.verificationUriComplete }),
        expiresAt: device.expiresAt,
      },
      done,
      cancel,
    };
  } catch (err) {
    clearTimeOut();
    controller.abort(err);
    throw err;
  }
}

/** Waits for the browser's redirect, completes the sign-in with it, and tells the tab how it went. */
async function answerRedirect(
  redirect: LoopbackRedirect,
  complete: (callback: URL) => Promise<Account>,
): Promise<Account> {
  try {
    const arrival = await redirect.arrival;
    try {
      const stored = await complete(arrival.url);
      arrival.reply({ ok: true });
      return stored;
    } catch (err) {
      arrival.reply({ ok: false, message: shortReason(err) });
      throw err;
    }
  } finally {
    redirect.close();
  }
}

/** A user account with no refresh token could never be refreshed: refuse it, store nothing. */
function requireRefreshToken(account: Account, grant: GrantOutcome): void {
  if (grant.refreshToken !== undefined) return;
  const hint =
    account.provider === 'google'
      ? 'Google sends one only with access_type=offline and prompt=consent, which TokenTray asks for; check that the client is a "Desktop app" client.'
      : 'Ask for the offline_access scope (OpenID providers), and check that the client may use the refresh_token grant.';
  throw new TokenTrayError(
    'sign_in_failed',
    'The provider signed you in but issued no refresh token.',
    {
      hint: `Nothing was stored. ${hint}`,
    },
  );
}

/**
 * The pasted token went to the server in a request it refused. TokenTray stored nothing, but
 * some servers disable a refresh token that came with a refused request (a wrong client secret,
 * credentials it could not read), so "nothing happened" is not what is known: say so.
 */
function whatARefusalCost(err: unknown): unknown {
  if (!(err instanceof TokenTrayError)) return err;
  if (err.code !== 'invalid_client' && err.code !== 'bad_response') return err;
  return new TokenTrayError(err.code, err.message, {
    hint: `${(err.hint ?? '').replace(/\s*Nothing was stored\.\s*/, ' ')} TokenTray stored nothing, but the server may have disabled the pasted refresh token for its part. Once the cause is fixed, if the same token is refused with invalid_grant, get a new one (or sign in with --login or --device).`.trim(),
    ...(err.oauthError === undefined ? {} : { oauthError: err.oauthError }),
    cause: err,
  });
}

function timedOut(ms: number, method: 'browser' | 'device'): TokenTrayError {
  const minutes = Math.round((ms / 60_000) * 10) / 10;
  // A provider that refuses our redirect URI shows its error in the browser, where we cannot
  // see it; all we notice is that nothing came back. Say what that most often means.
  const redirect =
    method === 'browser'
      ? ` If the provider's page showed an error about the redirect URI: ${REDIRECT_PORT_HINT}`
      : '';
  return new TokenTrayError(
    'sign_in_timeout',
    `The sign-in was not finished within ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    { hint: `Nothing was stored. Start it again when you are ready to sign in.${redirect}` },
  );
}

function shortReason(err: unknown): string {
  return err instanceof TokenTrayError ? err.message : 'Something went wrong.';
}

function newFlowId(): string {
  return randomBytes(16).toString('base64url');
}
