import type { OptionsView } from '../../main/common/ipc-contract.js';
import { api } from '../shared/api.js';
import { byId } from '../shared/dom.js';
import type { Notices } from '../shared/notices.js';

/**
 * The options section. Like a system settings pane, each change applies at once (on `change`,
 * so typing a number is not saved digit by digit); a value out of range is refused in place.
 */
export class OptionsForm {
  private readonly clearSeconds = byId<HTMLInputElement>('clipboard-clear');
  private readonly refreshAt = byId<HTMLInputElement>('refresh-at');
  private readonly launchAtLogin = byId<HTMLInputElement>('launch-at-login');
  private readonly autoUpdate = byId<HTMLInputElement>('auto-update');
  private options: OptionsView | undefined;

  constructor(private readonly notices: Notices) {
    this.clearSeconds.addEventListener('change', () => {
      const value = wholeNumber(this.clearSeconds.value, 0, 3600);
      if (value === undefined)
        return this.refuse(this.clearSeconds, 'Enter a whole number of seconds from 0 to 3600.');
      void this.save({ clipboardClearSeconds: value }, this.clearSeconds);
    });
    this.refreshAt.addEventListener('change', () => {
      const value = wholeNumber(this.refreshAt.value, 10, 95);
      if (value === undefined)
        return this.refuse(this.refreshAt, 'Enter a percentage from 10 to 95.');
      void this.save({ refreshAtFraction: value / 100 }, this.refreshAt);
    });
    this.launchAtLogin.addEventListener('change', () => {
      void this.save({ launchAtLogin: this.launchAtLogin.checked }, this.launchAtLogin);
    });
    this.autoUpdate.addEventListener('change', () => {
      void this.save({ autoUpdate: this.autoUpdate.checked }, this.autoUpdate);
    });
  }

  async load(): Promise<void> {
    const result = await api.getOptions();
    if (result.ok) this.show(result.value);
    else this.notices.error(result.error);
  }

  private show(options: OptionsView): void {
    this.options = options;
    this.clearSeconds.value = String(options.clipboardClearSeconds);
    this.refreshAt.value = String(Math.round(options.refreshAtFraction * 100));
    this.launchAtLogin.checked = options.launchAtLogin;
    this.autoUpdate.checked = options.autoUpdate;
    for (const input of [this.clearSeconds, this.refreshAt]) input.removeAttribute('aria-invalid');
  }

  private async save(patch: Partial<OptionsView>, input: HTMLInputElement): Promise<void> {
    const result = await api.setOptions(patch);
    if (result.ok) {
      this.show(result.value);
      this.notices.status('Options saved.');
    } else {
      this.notices.error(result.error);
      if (this.options !== undefined) this.show(this.options);
      input.focus();
    }
  }

  private refuse(input: HTMLInputElement, message: string): void {
    input.setAttribute('aria-invalid', 'true');
    this.notices.error(message);
    input.focus();
  }
}

function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}
