import type { TokenEngine } from '../../main/node/engine/token-engine.js';

/**
 * FakeClipboard: stands in for the main process's clipboard action, which needs Electron's
 * clipboard. It takes the token from the engine the way the app's copy does (at least a minute of
 * life left) and records it instead of writing it to the system clipboard.
 */
export class FakeClipboard {
  readonly copied: string[] = [];

  constructor(private readonly engine: TokenEngine) {}

  readonly copyToken = async (name: string): Promise<void> => {
    const record = await this.engine.getToken(name, { minTtl: 60 });
    this.copied.push(record.accessToken);
  };

  get last(): string | undefined {
    return this.copied.at(-1);
  }
}
