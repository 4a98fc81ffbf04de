import type { IpcError } from '../../main/common/ipc-contract.js';
import { errorText } from './api.js';

/**
 * The page's two live regions: a polite status line (role=status) for what just happened, and an
 * alert (role=alert) for what went wrong. They stay in the page, empty when silent, so assistive
 * technology is already listening when text arrives.
 */
export class Notices {
  constructor(
    private readonly statusLine: HTMLElement,
    private readonly errorLine: HTMLElement,
  ) {}

  status(text: string): void {
    this.errorLine.textContent = '';
    this.statusLine.textContent = text;
  }

  error(error: IpcError | string): void {
    this.statusLine.textContent = '';
    this.errorLine.textContent = errorText(error);
  }

  clear(): void {
    this.statusLine.textContent = '';
    this.errorLine.textContent = '';
  }
}
