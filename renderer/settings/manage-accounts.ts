import { parseScopes } from '../../main/common/account.js';
import type { AccountView, ProviderView, RemoveOutcome } from '../../main/common/ipc-contract.js';
import { providerTitle } from '../shared/account-text.js';
import { api } from '../shared/api.js';
import { actionButton, byId, h, uniqueId } from '../shared/dom.js';
import type { Notices } from '../shared/notices.js';
import { confirmRemoval } from './remove-dialog.js';

/** The accounts section: label and scopes, the default account, and removal. */
export class ManageAccounts {
  private readonly list = byId<HTMLUListElement>('manage-accounts');
  private readonly none = byId<HTMLElement>('no-accounts');
  private readonly heading = byId<HTMLElement>('accounts-heading');
  private accounts: AccountView[] = [];
  private providers: readonly ProviderView[] = [];
  /** The account whose edit form is open: a push from the main process must not close it. */
  private editing: string | undefined;

  constructor(private readonly notices: Notices) {}

  setProviders(providers: readonly ProviderView[]): void {
    this.providers = providers;
  }

  show(accounts: AccountView[]): void {
    const focusedName = this.list.contains(document.activeElement)
      ? (document.activeElement?.closest('li')?.dataset.name ?? undefined)
      : undefined;
    const focusedRole = document.activeElement?.getAttribute('data-role') ?? undefined;
    if (this.editing !== undefined && accounts.some((a) => a.name === this.editing)) {
      // Keep the open form (and what the user typed): update only the other rows' data.
      this.accounts = accounts;
      return;
    }
    this.editing = undefined;
    this.accounts = [...accounts].sort((a, b) => a.label.localeCompare(b.label));
    this.list.replaceChildren(...this.accounts.map((account) => this.row(account)));
    this.list.hidden = this.accounts.length === 0;
    this.none.hidden = this.accounts.length > 0;
    if (focusedName !== undefined) this.focus(focusedName, focusedRole);
  }

  /** Moves focus to an account's row (after it was added), or one of its controls. */
  focus(name: string, role?: string): void {
    const row = [...this.list.children].find(
      (li): li is HTMLLIElement => li instanceof HTMLLIElement && li.dataset.name === name,
    );
    const target =
      role === undefined ? row : row?.querySelector<HTMLElement>(`[data-role="${role}"]`);
    (target ?? row ?? this.heading).focus();
  }

  private row(account: AccountView): HTMLLIElement {
    const labelId = uniqueId('manage-label');
    const who = account.who === null ? '' : ` · ${account.who}`;
    const radio = h('input', {
      type: 'radio',
      name: 'default-account',
      value: account.name,
      'data-role': 'default',
      'aria-label': `Default account: ${account.label}`,
      checked: account.isDefault,
    });
    radio.addEventListener('change', () => void this.setDefault(account));
    const edit = h(
      'button',
      { type: 'button', 'data-role': 'edit', 'aria-label': `Edit ${account.label}` },
      'Edit',
    );
    const remove = actionButton('Remove', () => this.remove(account), {
      'data-role': 'remove',
      'aria-label': `Remove ${account.label}`,
    });
    const li = h(
      'li',
      { class: 'manage-row', 'data-name': account.name, tabindex: -1, 'aria-labelledby': labelId },
      h(
        'div',
        { class: 'manage-main' },
        h('span', { class: 'label', id: labelId }, account.label),
        h(
          'span',
          { class: 'meta' },
          `${account.name} · ${providerTitle(account.provider, this.providers)}${who}`,
        ),
        h(
          'span',
          { class: 'meta' },
          `Scopes: ${account.scopes.length > 0 ? account.scopes.join(' ') : '(provider default)'}`,
        ),
        ...(account.status === 'sign-in-required'
          ? [
              h(
                'span',
                { class: 'meta needs-sign-in' },
                'Sign-in required: use “Sign in again” in the Accounts window.',
              ),
            ]
          : []),
      ),
      h(
        'label',
        { class: 'default-choice' },
        radio,
        h('span', { 'aria-hidden': 'true' }, 'Default'),
      ),
      h('div', { class: 'actions' }, edit, remove),
    );
    edit.addEventListener('click', () => this.openEditor(li, account, edit));
    return li;
  }

  private openEditor(li: HTMLLIElement, account: AccountView, edit: HTMLButtonElement): void {
    if (li.querySelector('form') !== null) return;
    this.editing = account.name;
    const labelInput = h('input', {
      id: uniqueId('edit-label'),
      value: account.label,
      required: true,
      autocomplete: 'off',
    });
    const scopesInput = h('input', {
      id: uniqueId('edit-scopes'),
      value: account.scopes.join(' '),
      spellcheck: 'false',
    });
    const scopesHint = h(
      'p',
      { class: 'hint', id: uniqueId('edit-scopes-hint') },
      'Separated by spaces. New scopes apply from the next sign-in.',
    );
    scopesInput.setAttribute('aria-describedby', scopesHint.id);
    const problem = h('p', { class: 'form-error', role: 'alert' });
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const form = h(
      'form',
      { class: 'edit-form form-grid', 'aria-label': `Edit ${account.label}`, novalidate: true },
      h('div', { class: 'field' }, h('label', { for: labelInput.id }, 'Label'), labelInput),
      h(
        'div',
        { class: 'field' },
        h('label', { for: scopesInput.id }, 'Scopes'),
        scopesInput,
        scopesHint,
      ),
      problem,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Save'),
        cancel,
      ),
    );
    const close = (): void => {
      form.remove();
      this.editing = undefined;
      edit.hidden = false;
      this.show(this.accounts);
      this.focus(account.name, 'edit');
    };
    cancel.addEventListener('click', close);
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') close();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const label = labelInput.value.trim();
      if (label === '') {
        labelInput.setAttribute('aria-invalid', 'true');
        problem.textContent = 'Enter a label.';
        return labelInput.focus();
      }
      void api
        .updateAccount(account.name, { label, scopes: parseScopes(scopesInput.value) })
        .then((result) => {
          if (!result.ok) {
            problem.textContent = result.error.message;
            return;
          }
          this.accounts = this.accounts.map((a) => (a.name === account.name ? result.value : a));
          this.notices.status(`Saved ${label}.`);
          close();
        });
    });
    edit.hidden = true;
    li.append(form);
    labelInput.focus();
    labelInput.select();
  }

  private async setDefault(account: AccountView): Promise<void> {
    const result = await api.setDefault(account.name);
    if (result.ok) this.notices.status(`${account.label} is now the default account.`);
    else this.notices.error(result.error);
  }

  private async remove(account: AccountView): Promise<void> {
    const outcome = await confirmRemoval(account);
    if (outcome === undefined) {
      this.focus(account.name, 'remove');
      return;
    }
    this.accounts = this.accounts.filter((a) => a.name !== account.name);
    this.show(this.accounts);
    this.reportRemoval(account, outcome);
    this.heading.focus();
  }

  private reportRemoval(account: AccountView, outcome: RemoveOutcome): void {
    switch (outcome.revocation) {
      case 'revoked':
        return this.notices.status(`Removed ${account.label}, and revoked it at the provider.`);
      case 'skipped':
        return this.notices.status(`Removed ${account.label}. It was not revoked at the provider.`);
      case 'unsupported':
        return this.notices.status(
          `Removed ${account.label}. Its provider offers no revocation: remove TokenTray's access in your account settings there.`,
        );
      case 'failed':
        return this.notices.error(
          `Removed ${account.label}, but revoking it at the provider failed. ${outcome.warning ?? ''}`.trim(),
        );
    }
  }
}
