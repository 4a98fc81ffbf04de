import type { AccountView } from '../../main/common/ipc-contract.js';
import type { TokenTrayApi } from '../../preload/preload.js';

// The renderer's window type is derived from the preload's API, not kept in step by hand.
declare global {
  interface Window {
    tokentray: TokenTrayApi;
  }
}

const list = document.getElementById('accounts') as HTMLUListElement;
const empty = document.getElementById('empty') as HTMLParagraphElement;
const errorBox = document.getElementById('error') as HTMLParagraphElement;

function row(account: AccountView): HTMLLIElement {
  const li = document.createElement('li');
  const label = Object.assign(document.createElement('span'), {
    className: 'label',
    textContent: account.label,
  });
  const status = Object.assign(document.createElement('span'), {
    className: 'status',
    textContent: account.status,
  });
  const copy = Object.assign(document.createElement('button'), {
    type: 'button',
    textContent: 'Copy token',
  });
  copy.setAttribute('aria-label', `Copy token for ${account.label}`);
  copy.addEventListener('click', () => void window.tokentray.copyToken(account.name).then(show));
  li.append(label, status, copy);
  return li;
}

function show(result: { ok: boolean; error?: { message: string } }): void {
  errorBox.hidden = result.ok;
  errorBox.textContent = result.ok ? '' : (result.error?.message ?? '');
}

async function render(): Promise<void> {
  const result = await window.tokentray.listAccounts();
  show(result);
  if (!result.ok) return;
  list.replaceChildren(...result.value.map(row));
  empty.hidden = result.value.length > 0;
}

void render();
