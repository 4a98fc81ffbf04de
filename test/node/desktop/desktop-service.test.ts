import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AccountStatus } from '../../../main/common/account.js';
import type { AccountView } from '../../../main/common/ipc-contract.js';
import { createDesktopService } from '../../../main/node/desktop/desktop-service.js';
import { engineParts } from '../../../main/node/engine/token-engine.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';

const SERVICE = 'TokenTray-test-desktop-service';

/** Resolves once `condition` holds, checking on every turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

// The status fan-out, with a real engine against the real oidc-provider: each status change
// reaches the windows as at most one push (events close together share one), and is no account
// edit (edits alone re-plan the schedule and rebuild the tray's menu).
describe('desktop service fan-out', () => {
  let provider: LocalProvider;
  let dir: string;
  before(async () => {
    provider = await startLocalProvider();
    dir = await mkdtemp(join(tmpdir(), 'tokentray-fanout-'));
  });
  after(() => provider.close());

  test(
    'one refresh: two status events, at most one push each, no edit',
    { timeout: 30_000 },
    async () => {
      const engine = openEngine(dir, SERVICE);
      await addRotatingAccount(engine, provider, 'fan');
      const service = createDesktopService({
        engine,
        settings: engineParts(engine).settings,
        copyToken: async () => undefined,
        openUrl: async () => undefined,
        openSettings: () => undefined,
        // A refresh is nothing the user must allow: a question here is a failure.
        askUser: async (question) => assert.fail(`unexpected question: ${question.message}`),
      });
      try {
        const pushes: AccountView[][] = [];
        const statuses: AccountStatus[] = [];
        let edits = 0;
        service.onAccountsChanged((views) => pushes.push(views));
        service.onAccountsEdited(() => edits++);
        engine.onStatus((report) => statuses.push(report.status));

        await engine.refresh('fan');
        assert.deepEqual(statuses, ['refreshing', 'fresh']);
        await until(() => pushes.at(-1)?.[0]?.status === 'fresh');
        const afterRefresh = pushes.length;
        assert.ok(
          afterRefresh <= statuses.length,
          `${afterRefresh} pushes for ${statuses.length} status changes`,
        );
        assert.equal(edits, 0, 'a status change is no account edit');

        // An edit is pushed too, as exactly the next push: nothing else was still on its way.
        await service.handlers['accounts:set-default']('fan');
        await until(() => pushes.length > afterRefresh);
        assert.equal(pushes.length, afterRefresh + 1);
        assert.equal(edits, 1);
      } finally {
        service.dispose();
      }
    },
  );
});
