import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokentray } from '../support/cli-runner.js';
import { startLocalProvider } from '../support/local-provider.js';

// `npm run demo`: the whole loop with no account at any provider. A real OpenID provider starts on
// loopback, a demo account is added in a throwaway TOKENTRAY_HOME, and the CLI does its work.

const here = fileURLToPath(new URL('.', import.meta.url));

// On Linux, run inside a private Secret Service so the demo never writes to your keychain.
const haveKeyringTools =
  spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'], {
    stdio: 'ignore',
  }).status === 0;
if (process.env.TOKENTRAY_DEMO_KEYRING === undefined) {
  if (process.platform === 'linux' && haveKeyringTools) {
    const keyring = join(here, '../support/with-private-keyring.sh');
    const run = spawnSync(
      'bash',
      [keyring, process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url)],
      {
        stdio: 'inherit',
        env: { ...process.env, TOKENTRAY_DEMO_KEYRING: 'private' },
      },
    );
    process.exit(run.status ?? 1);
  }
  console.log(
    '(Using your keychain under the separate service "TokenTray Demo"; the demo removes what it adds.)',
  );
}

const env = {
  TOKENTRAY_KEYCHAIN_SERVICE:
    process.env.TOKENTRAY_DEMO_KEYRING === 'private' ? 'TokenTray' : 'TokenTray Demo',
};
const home = await mkdtemp(join(tmpdir(), 'tokentray-demo-'));
const provider = await startLocalProvider();
const show = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}, note = '') => {
  console.log(`\n$ tokentray ${args.join(' ')}${note}`);
  const result = await tokentray(args, home, { ...env, ...extraEnv });
  process.stdout.write(result.stdout.replace(/^([A-Za-z0-9_-]{12})[A-Za-z0-9_-]{20,}$/gm, '$1…'));
  process.stdout.write(result.stderr);
  if (result.code !== 0) throw new Error(`tokentray ${args[0]} exited ${result.code}`);
};

try {
  console.log(
    `TokenTray demo: a local OpenID provider is running at ${provider.issuer} (refresh tokens rotate).`,
  );
  console.log(`Settings go to ${home}; secrets go to the keychain.`);
  const { clientId, clientSecret } = provider.clients.rotating;
  const refreshToken = await provider.mintRefreshToken(clientId, {
    scope: 'openid offline_access profile',
  });
  await show(
    [
      'add',
      'demo',
      '--issuer',
      provider.issuer,
      '--client-id',
      clientId,
      '--scope',
      'openid offline_access profile',
      '--label',
      'Demo account',
    ],
    { TOKENTRAY_CLIENT_SECRET: clientSecret, TOKENTRAY_REFRESH_TOKEN: refreshToken },
    '   # secrets come from TOKENTRAY_CLIENT_SECRET and TOKENTRAY_REFRESH_TOKEN',
  );
  provider.resetCounts();
  await show(['token', 'demo'], {}, '   # the access token (shortened here)');
  await show(['token', 'demo', '--format', 'header']);
  console.log(
    `\n(requests sent to the provider by those two calls: ${provider.counts().total}; the token came from the keychain)`,
  );
  await show(['list']);
  await show(
    ['refresh', 'demo'],
    {},
    '   # the provider rotates the refresh token; TokenTray keeps the new one',
  );
  await show(['list', '--json']);
  await show(['remove', 'demo']);
  console.log('\nDone. The demo account and its keychain entries are gone.');
} finally {
  await provider.close();
  await rm(home, { recursive: true, force: true });
}
