import type { ClipboardPort } from '../../../main/node/desktop/clipboard-guard.js';

/**
 * A fake of the small clipboard port (Electron's clipboard cannot run here): one text slot, and a
 * record of whether the last write asked to be concealed. `userCopies` is the user copying
 * something else in another app.
 */
export class FakeClipboard implements ClipboardPort {
  text = '';
  concealed = false;
  clears = 0;

  async writeText(text: string, options: { concealed: boolean }): Promise<void> {
    await Promise.resolve();
    this.text = text;
    this.concealed = options.concealed;
  }

  async readText(): Promise<string> {
    await Promise.resolve();
    return this.text;
  }

  clear(): void {
    this.clears++;
    this.text = '';
    this.concealed = false;
  }

  userCopies(text: string): void {
    this.text = text;
    this.concealed = false;
  }
}
