import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../main/common/clock.js';
import { engineParts } from '../../main/node/engine/token-engine.js';
import { startConfiguredGce } from '../../main/node/handoff/app-gce.js';
import type { MetadataServer } from '../../main/node/handoff/gce-metadata-server.js';
import { isActive } from '../support/introspect.js';
import { DesktopFixture } from './desktop-fixture.js';
import { assertNoSecretReached } from './page-checks.js';

// The app's side of the GCE hand-off: the `gceMetadata` setting serves an account from the app's
// own engine on its fixed port, and the accounts window lists the latest tokens handed out.
describe(
  'the app serves the GCE endpoint and the accounts window shows its hand-offs',
  { timeout: 120_000 },
  () => {
    let desktop: DesktopFixture;
    let gce: MetadataServer | undefined;
    const warnings: string[] = [];

    before(async () => {
      desktop = await DesktopFixture.start();
      await desktop.addPasted('work', { label: 'Work' });
    });
    after(async () => {
      await gce?.close();
      await desktop.close();
    });

    test('the setting starts the endpoint on its port, and a client gets a live token', async () => {
      const port = await freePort();
      const { settings } = engineParts(desktop.engine);
      await settings.mutate((data) => {
        data.options.gceMetadata = { account: 'work', port, projectId: 'from-the-app' };
      });
      gce = await startConfiguredGce({
        engine: desktop.engine,
        settings,
        dataDir: dirname(settings.path),
        clock: systemClock,
        warn: (m) => warnings.push(m),
      });
      assert.equal(gce?.port, port, warnings.join('\n'));
      for (const n of [1, 2, 3, 4, 5, 6]) {
        const response = await fetch(
          `http://127.0.0.1:${port}/computeMetadata/v1/instance/service-accounts/default/token`,
          {
            headers: { 'metadata-flavor': 'Google', 'user-agent': `probe-client/${n}` },
          },
        );
        assert.equal(response.status, 200);
        const body = (await response.json()) as { access_token: string };
        assert.ok(await isActive(desktop.provider, body.access_token));
      }
      const project = await fetch(
        `http://127.0.0.1:${port}/computeMetadata/v1/project/project-id`,
        { headers: { 'metadata-flavor': 'Google' } },
      );
      assert.equal(await project.text(), 'from-the-app');
    });

    test('the accounts window lists the latest five, newest first, and never a token', async () => {
      const opened = await desktop.open('accounts');
      const { page } = opened;
      const list = page.getByRole('list', { name: 'Recently handed out' });
      await list.getByRole('listitem').first().waitFor();
      const items = await list.getByRole('listitem').allInnerTexts();
      assert.equal(items.length, 5);
      assert.match(items[0] ?? '', /work → probe-client\/6/);
      assert.match(items[4] ?? '', /probe-client\/2/);
      assert.match(
        items[0] ?? '',
        /\/computeMetadata\/v1\/instance\/service-accounts\/default\/token/,
      );
      await assertNoSecretReached(opened, await desktop.secrets());
    });

    test('a setting naming no such account serves nothing and says why', async () => {
      const { settings } = engineParts(desktop.engine);
      await settings.mutate((data) => {
        data.options.gceMetadata = { account: 'nobody', port: 1 };
      });
      const none = await startConfiguredGce({
        engine: desktop.engine,
        settings,
        dataDir: dirname(settings.path),
        clock: systemClock,
        warn: (m) => warnings.push(m),
      });
      assert.equal(none, undefined);
      assert.match(warnings.at(-1) ?? '', /"nobody", which does not exist/);
    });
  },
);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
