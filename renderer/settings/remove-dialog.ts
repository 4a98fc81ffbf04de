import type { AccountView, RemoveOutcome } from '../../main/common/ipc-contract.js';
import { api } from '../shared/api.js';
import { byId } from '../shared/dom.js';

/**
 * Asks before removing an account, with "Also revoke at the provider" on by default (RFC 7009).
 * A modal <dialog> keeps focus inside, closes on Escape, and starts on Cancel, the safe choice.
 * Resolves with the outcome, or undefined when the user kept the account.
 */
export function confirmRemoval(account: AccountView): Promise<RemoveOutcome | undefined> {
  const dialog = byId<HTMLDialogElement>('remove-dialog');
  const form = byId<HTMLFormElement>('remove-form');
  const revoke = byId<HTMLInputElement>('remove-revoke');
  const problem = byId<HTMLElement>('remove-error');
  const cancel = byId<HTMLButtonElement>('remove-cancel');
  const confirm = byId<HTMLButtonElement>('remove-confirm');
  byId('remove-title').textContent = `Remove ${account.label}?`;
  revoke.checked = true;
  problem.textContent = '';

  return new Promise((resolve) => {
    let outcome: RemoveOutcome | undefined;
    let busy = false;
    const onSubmit = (event: SubmitEvent): void => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      confirm.setAttribute('aria-disabled', 'true');
      void api.removeAccount(account.name, revoke.checked).then((result) => {
        busy = false;
        confirm.removeAttribute('aria-disabled');
        if (!result.ok) {
          problem.textContent = result.error.message;
          return;
        }
        outcome = result.value;
        dialog.close();
      });
    };
    const onCancel = (): void => dialog.close();
    // Escape must not hide a removal that is already under way.
    const onEscape = (event: Event): void => {
      if (busy) event.preventDefault();
    };
    const onClose = (): void => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onEscape);
      resolve(outcome);
    };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onEscape);
    dialog.addEventListener('close', onClose, { once: true });
    dialog.showModal();
    cancel.focus();
  });
}
