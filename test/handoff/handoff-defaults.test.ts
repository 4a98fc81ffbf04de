import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startHandoffFixture, type HandoffFixture } from '../support/handoff-fixture.js';
import { testService } from '../support/keychain-inspect.js';

// Every hand-off gets its token the way `token` does (main/cli/acquire-token.ts): without
// --min-ttl the default rule, so a token endpoint that is down while the stored token is still
// valid hands that token out with a warning on stderr; an explicit --min-ttl it leaves unmet
// exits 5 and hands out nothing. Run in-process: the rule is what is tested, not a process.
describe('hand-offs follow token’s default rule when the token endpoint is down', () => {
  let f: HandoffFixture;
  let token: string;
  before(async () => {
    f = await startHandoffFixture(testService(import.meta.url));
    await f.addAccount('down');
    const record = await f.keychain.vault.getAccessToken('down');
    assert.ok(record);
    token = record.accessToken;
    // An hour's token with 30 s left: the default asks for a minute, so it wants a refresh.
    await f.keychain.vault.setAccessToken('down', {
      ...record,
      issuedAt: Date.now() - 3_570_000,
      expiresAt: Date.now() + 30_000,
    });
    await f.provider.close();
  });
  after(() => f.close());

  const warned = (stderr: string) => {
    assert.match(stderr, /warning: Could not reach the token endpoint at 127\.0\.0\.1:\d+/);
    assert.match(stderr, /still valid for \d+ s/);
  };

  test('exec runs the command with the still-valid token and warns', async () => {
    const print = 'process.stdout.write(process.env.TOKENTRAY_ACCESS_TOKEN ?? "none")';
    const r = await f.run(['exec', 'down', '--', process.execPath, '-e', print]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, token);
    warned(r.stderr);
  });

  test('exec with an explicit --min-ttl it cannot meet exits 5 and runs nothing', async () => {
    const r = await f.run([
      'exec',
      'down',
      '--min-ttl',
      '60',
      '--',
      process.execPath,
      '-e',
      'process.stdout.write("ran")',
    ]);
    assert.equal(r.code, 5, r.stderr);
    assert.equal(r.stdout, '');
  });

  test('git-credential get answers the still-valid token and warns', async () => {
    const r = await f.run(
      ['git-credential', 'down', '--host', 'git.example.com', 'get'],
      'protocol=https\nhost=git.example.com\n\n',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^username=oauth2\npassword=${token}\n`));
    warned(r.stderr);
  });

  test('token --format exec-credential carries the still-valid token and warns', async () => {
    const r = await f.run(['token', 'down', '--format', 'exec-credential']);
    assert.equal(r.code, 0, r.stderr);
    const credential = JSON.parse(r.stdout) as { status: { token: string } };
    assert.equal(credential.status.token, token);
    warned(r.stderr);
  });
});
