import type { Account } from '../../common/account.js';
import type { SignInDeps, SignInSession } from '../../node/sign-in/sign-in-session.js';
import type { CliContext } from '../cli-context.js';
import { openUrl } from '../open-url.js';

/**
 * Runs a sign-in in the terminal: prints every address as well as opening it (a browser may not
 * open on a remote machine), shows the device code, and turns Ctrl-C into a clean cancel.
 */
export async function followSignIn(
  context: CliContext,
  start: (deps: SignInDeps) => Promise<SignInSession>,
  options: { timeoutMs: number | undefined; openDeviceUrl: boolean },
): Promise<Account> {
  const say = (text: string) => context.stderr.write(`${text}\n`);
  const session = await start({
    openUrl: async (url) => {
      say(`Opening your browser at:\n  ${url}`);
      try {
        await openUrl(url, context.env);
      } catch {
        say('Could not open a browser; open the address above yourself.');
      }
    },
    openDeviceUrl: options.openDeviceUrl,
    onWarning: (message) => say(`tokentray: warning: ${message}`),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const { prompt } = session;
  if (prompt.kind === 'device') {
    say(
      `To sign in, visit ${prompt.verificationUri} and enter the code:\n\n    ${prompt.userCode}\n`,
    );
    if (prompt.verificationUriComplete !== undefined)
      say(`Or open this address, which carries the code:\n  ${prompt.verificationUriComplete}`);
  }
  if (prompt.kind !== 'none') say('Waiting for the sign-in to finish (Ctrl-C cancels)...');
  const stopListening = context.onInterrupt(() => session.cancel());
  try {
    return await session.done;
  } finally {
    stopListening();
  }
}
