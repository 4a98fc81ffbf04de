import type { Clock, TimerHandle } from '../../common/clock.js';

/** The clipboard as the guard needs it; Electron's clipboard in the app, a fake in tests. */
export interface ClipboardPort {
  /** Writes `text`; `concealed` asks the platform to keep it out of clipboard managers and history. */
  writeText(text: string, options: { concealed: boolean }): Promise<void>;
  readText(): Promise<string>;
  clear(): Promise<void> | void;
}

/**
 * Platform clipboard formats that mark a copy as a secret, written in the same clipboard item as
 * the text. Each says "do not record or show this" to the clipboard managers that honour it.
 * Every payload is at least one byte: Windows may drop a zero-byte format without an error, and a
 * marker that silently went missing would leave the token in clipboard history.
 */
export const CONCEALED_MARKERS: Partial<Record<NodeJS.Platform, Record<string, string>>> = {
  // http://nspasteboard.org: Alfred, Maccy, Paste, Raycast and others skip concealed items. The
  // convention ignores the payload; "1" keeps it from being empty.
  darwin: { 'org.nspasteboard.ConcealedType': '1' },
  // Windows 10+: keeps the copy out of clipboard monitors, clipboard history (Win+V) and cloud
  // clipboard sync. The last two are DWORD 0 (four zero bytes); the first may hold anything.
  win32: {
    ExcludeClipboardContentFromMonitorProcessing: '1',
    CanIncludeInClipboardHistory: '\0\0\0\0',
    CanUploadToCloudClipboard: '\0\0\0\0',
  },
  // KDE's Klipper does not keep entries carrying this hint.
  linux: { 'x-kde-passwordManagerHint': 'secret' },
};

/** How Electron's clipboard names a raw platform format. */
export const rawClipboardFormat = (format: string): string =>
  `electron application/osclipboard;format="${format}"`;

/** The clipboard item of a concealed copy: the text plus this platform's markers. */
export function concealedItem(platform: NodeJS.Platform, text: string): Record<string, string> {
  const item: Record<string, string> = { 'text/plain': text };
  for (const [format, value] of Object.entries(CONCEALED_MARKERS[platform] ?? {})) {
    item[rawClipboardFormat(format)] = value;
  }
  return item;
}

/**
 * The markers the clipboard does not hold after a concealed write: a write never rejects for a
 * dropped format, so asking (Electron's `clipboard.has`) is the only way to know.
 */
export async function missingMarkers(
  platform: NodeJS.Platform,
  has: (format: string) => Promise<boolean>,
): Promise<string[]> {
  const formats = Object.keys(CONCEALED_MARKERS[platform] ?? {});
  const held = await Promise.all(formats.map((f) => has(rawClipboardFormat(f)).catch(() => false)));
  return formats.filter((_, i) => held[i] !== true);
}

export interface ClipboardGuardOptions {
  clipboard: ClipboardPort;
  clock: Clock;
  /** Read at every copy, so a changed setting applies to the next one. 0 means never clear. */
  clearAfterSeconds: () => number;
}

export interface CopyOutcome {
  /** When the copy will be cleared, or undefined when clearing is off. */
  clearsInSeconds: number | undefined;
}

/**
 * Puts a token on the clipboard and takes it off again after a while, but only if it is still
 * there: whatever the user copied since is theirs, and is never erased. A newer copy replaces the
 * older one's pending clear (its own timer starts from the newer copy).
 */
export class ClipboardGuard {
  readonly #port: ClipboardPort;
  readonly #clock: Clock;
  readonly #clearAfterSeconds: () => number;
  /** Bumped by every copy, so an older copy's late write or timer knows it was superseded. */
  #generation = 0;
  #pending: { text: string; timer: TimerHandle } | undefined;

  constructor(options: ClipboardGuardOptions) {
    this.#port = options.clipboard;
    this.#clock = options.clock;
    this.#clearAfterSeconds = options.clearAfterSeconds;
  }

  /** True while a copy of ours waits to be cleared. */
  get hasPendingClear(): boolean {
    return this.#pending !== undefined;
  }

  async copy(text: string): Promise<CopyOutcome> {
    const generation = ++this.#generation;
    this.#cancelPending();
    await this.#port.writeText(text, { concealed: true });
    const seconds = this.#clearAfterSeconds();
    if (!(seconds > 0)) return { clearsInSeconds: undefined };
    // A newer copy that began while this one was writing owns the clear now.
    if (generation !== this.#generation) return { clearsInSeconds: seconds };
    const timer = this.#clock.setTimer(
      () => void this.#clearIfUnchanged(generation).catch(() => undefined),
      seconds * 1000,
    );
    this.#pending = { text, timer };
    return { clearsInSeconds: seconds };
  }

  /**
   * Clears a pending copy now if the clipboard still holds it: at quit, the token should not
   * outlive the app that promised to clear it.
   */
  async flush(): Promise<void> {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#cancelPending();
    await this.#clearIf(pending.text);
  }

  dispose(): void {
    this.#generation++;
    this.#cancelPending();
  }

  async #clearIfUnchanged(generation: number): Promise<void> {
    const pending = this.#pending;
    if (generation !== this.#generation || pending === undefined) return;
    this.#pending = undefined;
    await this.#clearIf(pending.text);
  }

  async #clearIf(text: string): Promise<void> {
    if ((await this.#port.readText()) === text) await this.#port.clear();
  }

  #cancelPending(): void {
    if (this.#pending !== undefined) this.#clock.clearTimer(this.#pending.timer);
    this.#pending = undefined;
  }
}
