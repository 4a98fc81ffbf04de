import type { AccountView, ProviderView } from '../../main/common/ipc-contract.js';
import { providerTitle, STATUS_TEXT } from '../shared/account-text.js';
import { actionButton, h, uniqueId } from '../shared/dom.js';
import { expiryText } from '../shared/time-left.js';

export interface RowActions {
  copy(account: AccountView): Promise<void>;
  refresh(account: AccountView): Promise<void>;
  signInAgain(account: AccountView, slot: HTMLElement): Promise<void>;
}

/**
 * One account in the list. Rows are kept and updated in place across pushes from the main process,
 * so the button the user is on keeps keyboard focus while the status and countdown change.
 */
export class AccountRow {
  readonly node: HTMLLIElement;
  private account: AccountView;
  private readonly label = h('span', { class: 'label' });
  private readonly defaultBadge = h('span', { class: 'default-badge' }, 'Default');
  private readonly meta = h('span', { class: 'meta' });
  private readonly message = h('p', { class: 'message' });
  private readonly badge = h('span', { class: 'badge' });
  private readonly countdown = h('time', { class: 'countdown' });
  private readonly copyButton: HTMLButtonElement;
  private readonly refreshButton: HTMLButtonElement;
  private readonly signInButton: HTMLButtonElement;
  private readonly signInSlot = h('div', { class: 'sign-in-slot' });

  constructor(account: AccountView, actions: RowActions, providers: readonly ProviderView[]) {
    this.account = account;
    const labelId = uniqueId('account-label');
    this.label.id = labelId;
    this.copyButton = actionButton('Copy token', () => actions.copy(this.account), {
      class: 'primary',
    });
    this.refreshButton = actionButton('Refresh now', () => actions.refresh(this.account));
    this.signInButton = actionButton('Sign in again', () =>
      actions.signInAgain(this.account, this.signInSlot),
    );
    this.node = h(
      'li',
      { class: 'account', 'aria-labelledby': labelId },
      h(
        'div',
        { class: 'account-main' },
        h('div', { class: 'title' }, this.label, this.defaultBadge),
        this.meta,
      ),
      h('div', { class: 'account-state' }, this.badge, this.countdown),
      h('div', { class: 'actions' }, this.copyButton, this.refreshButton, this.signInButton),
      this.message,
      this.signInSlot,
    );
    this.update(account, providers);
  }

  get view(): AccountView {
    return this.account;
  }

  update(account: AccountView, providers: readonly ProviderView[]): void {
    this.account = account;
    this.node.dataset.status = account.status;
    this.label.textContent = account.label;
    this.defaultBadge.hidden = !account.isDefault;
    const provider = providerTitle(account.provider, providers);
    this.meta.textContent = account.who === null ? provider : `${provider} · ${account.who}`;
    this.message.textContent = account.message ?? '';
    this.badge.textContent = STATUS_TEXT[account.status];
    this.badge.className = `badge status-${account.status}`;
    if (account.expiresAt === null) this.countdown.removeAttribute('datetime');
    else this.countdown.dateTime = account.expiresAt;
    this.copyButton.setAttribute('aria-label', `Copy token for ${account.label}`);
    this.refreshButton.setAttribute('aria-label', `Refresh now: ${account.label}`);
    this.signInButton.setAttribute('aria-label', `Sign in again: ${account.label}`);

    // A dead grant cannot be refreshed: offer signing in again in its place, and keep the user's
    // place on the keyboard if they were on the button that goes away.
    const needsSignIn = account.status === 'sign-in-required';
    const canSignInAgain = needsSignIn && account.grant === 'refresh_token';
    const hadFocus = document.activeElement === this.refreshButton;
    this.refreshButton.hidden = needsSignIn;
    this.signInButton.hidden = !canSignInAgain;
    if (hadFocus && needsSignIn) (canSignInAgain ? this.signInButton : this.copyButton).focus();
    this.tick(Date.now());
  }

  /** Moves the countdown; the list calls this every second while the window is visible. */
  tick(now: number): void {
    const text =
      this.account.status === 'sign-in-required' ? '' : expiryText(this.account.expiresAt, now);
    if (this.countdown.textContent !== text) this.countdown.textContent = text;
  }

  focus(): void {
    this.copyButton.focus();
  }
}
