import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAccount } from '../../main/node/sign-in/add-pasted-account.js';
import { engineParts, type TokenEngine } from '../../main/node/engine/token-engine.js';
import {
  createDesktopService,
  type DesktopService,
} from '../../main/node/desktop/desktop-service.js';
import type { OptionsView } from '../../main/common/ipc-contract.js';
import { loadKeytar, type KeychainBackend } from '../../main/node/keychain/keychain-backend.js';
import { openEngine } from '../support/engine-fixture.js';
import {
  startLocalProvider,
  type LocalProvider,
  type LocalProviderOptions,
} from '../support/local-provider.js';
import { FakeClipboard } from './fake-clipboard.js';
import { FakeUser } from './fake-user.js';
import {
  RendererTransport,
  type OpenOptions,
  type RendererWindow,
  type WindowName,
} from './test-transport.js';
import { UserBrowser } from './user-browser.js';

/**
 * Everything a renderer test stands on: a real oidc-provider, a real engine on the private
 * keychain (a service of its own), the desktop service, Chromium showing the built windows, and a
 * second Chromium context as the user's browser. Only the clipboard is a fake.
 */
export class DesktopFixture {
  readonly clipboard: FakeClipboard;
  readonly userBrowser: UserBrowser;
  readonly service: DesktopService;
  readonly settingsOpened: number[] = [];
  readonly applied: OptionsView[] = [];
  /** Answers the main process's native dialogs (a fake: Electron cannot run here). */
  readonly user = new FakeUser();
  private readonly windows: RendererWindow[] = [];

  private constructor(
    readonly provider: LocalProvider,
    readonly engine: TokenEngine,
    readonly transport: RendererTransport,
    private readonly dataDir: string,
  ) {
    this.clipboard = new FakeClipboard(engine);
    this.userBrowser = new UserBrowser(transport.browser);
    this.service = createDesktopService({
      engine,
      settings: engineParts(engine).settings,
      copyToken: this.clipboard.copyToken,
      openUrl: this.userBrowser.openUrl,
      openSettings: () => this.settingsOpened.push(Date.now()),
      applyOptions: (options) => this.applied.push(options),
      askUser: this.user.ask,
    });
  }

  static async start(
    options: LocalProviderOptions & {
      /** The keychain under the engine (fault injection around the real one, say). */
      backend?: () => Promise<KeychainBackend>;
    } = {},
  ): Promise<DesktopFixture> {
    const [provider, dataDir, transport] = await Promise.all([
      startLocalProvider((({ backend: _backend, ...providerOptions }) => providerOptions)(options)),
      mkdtemp(join(tmpdir(), 'tokentray-renderer-')),
      RendererTransport.start(),
    ]);
    const service = `TokenTray-test-renderer-${randomBytes(4).toString('hex')}`;
    const engine = openEngine(
      dataDir,
      service,
      options.backend === undefined ? {} : { backend: options.backend },
    );
    return new DesktopFixture(provider, engine, transport, dataDir);
  }

  async open(name: WindowName, options?: OpenOptions): Promise<RendererWindow> {
    const window = await this.transport.open(this.service, name, options);
    this.windows.push(window);
    return window;
  }

  /** Adds an account the CLI's way (a pasted refresh token, proven by one refresh). */
  async addPasted(
    name: string,
    options: { label?: string; viaIssuer?: boolean; client?: 'rotating' | 'googleLike' } = {},
  ): Promise<void> {
    const { clientId, clientSecret } = this.provider.clients[options.client ?? 'rotating'];
    await addAccount(this.engine, {
      name,
      ...(options.label === undefined ? {} : { label: options.label }),
      ...(options.viaIssuer === true
        ? { issuer: this.provider.issuer }
        : { tokenEndpoint: this.provider.tokenEndpoint }),
      clientId,
      clientSecret,
      ...(options.client === 'googleLike' ? { clientAuth: 'client_secret_post' as const } : {}),
      scopes: ['openid', 'offline_access', 'api:read'],
      refreshToken: await this.provider.mintRefreshToken(clientId),
    });
  }

  /** Every secret the keychain holds for this test's service, for leak checks. */
  async secrets(): Promise<string[]> {
    const keytar = await loadKeytar();
    const entries = await keytar.findCredentials(engineParts(this.engine).vault.service);
    const values = entries.map((e) => e.password);
    // The cached access token is stored as JSON: its token is the secret, not the wrapper.
    for (const value of values) {
      try {
        const parsed = JSON.parse(value) as { accessToken?: unknown };
        if (typeof parsed.accessToken === 'string') values.push(parsed.accessToken);
      } catch {
        // a plain secret
      }
    }
    return values.filter((v) => v.length >= 8);
  }

  /**
   * Closes every window opened so far (a test's, from its file's afterEach). A window left open
   * keeps rendering (its countdowns tick) in the run's shared Chromium for the rest of the file.
   */
  async closeWindows(): Promise<void> {
    for (const window of this.windows.splice(0)) await window.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.closeWindows();
    this.service.dispose();
    await this.transport.close();
    await this.provider.close();
    for (const account of engineParts(this.engine).settings.accounts()) {
      await engineParts(this.engine)
        .vault.deleteAccount(account.name)
        .catch(() => undefined);
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
