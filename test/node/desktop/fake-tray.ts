import type { TrayPort } from '../../../main/node/desktop/tray-controller.js';
import type { TrayAction, TrayMenuItem } from '../../../main/node/desktop/tray-menu.js';
import type { TrayState } from '../../../main/node/desktop/tray-state.js';

/** A fake of the tray port (Electron's Tray cannot run here): it keeps what it was told to show. */
export class FakeTray implements TrayPort {
  state: TrayState | undefined;
  toolTip = '';
  title = '';
  menu: TrayMenuItem[] = [];
  readonly titles: string[] = [];

  setState(state: TrayState): void {
    this.state = state;
  }
  setToolTip(text: string): void {
    this.toolTip = text;
  }
  setTitle(text: string): void {
    this.title = text;
    this.titles.push(text);
  }
  setMenu(items: TrayMenuItem[]): void {
    this.menu = items;
  }

  /** The labels, separators as '---', as a person reads the menu. */
  labels(): string[] {
    return this.menu.map((item) => (item.type === 'separator' ? '---' : item.label));
  }

  /** The action of the item with this label. */
  action(label: string): TrayAction {
    const item = this.menu.find((i) => i.type === 'item' && i.label === label);
    if (item?.type !== 'item' || item.action === undefined) throw new Error(`no item "${label}"`);
    return item.action;
  }
}
