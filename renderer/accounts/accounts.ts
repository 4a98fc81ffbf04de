import type { AccountView, ProviderView } from '../../main/common/ipc-contract.js';
import { previousTokensEndedNotice } from '../../main/common/provider-traits.js';
import { api } from '../shared/api.js';
import { byId } from '../shared/dom.js';
import { Notices } from '../shared/notices.js';
import { followSignIn } from '../shared/sign-in-panel.js';
import { whileVisible } from '../shared/time-left.js';
import { AccountRow, type RowActions } from './account-row.js';
import { showHandOffs } from './hand-offs.js';

const list = byId<HTMLUListElement>('accounts');
const empty = byId<HTMLElement>('empty');
const notices = new Notices(byId('status'), byId('error'));
const rows = new Map<string, AccountRow>();
let providers: ProviderView[] = [];
let clearSeconds: number | undefined;

const actions: RowActions = {
  async copy(account) {
    const result = await api.copyToken(account.name);
    if (!result.ok) {
      notices.error(result.error);
      await reload();
      return;
    }
    const clears =
      clearSeconds === undefined || clearSeconds === 0
        ? ''
        : ` It is cleared from the clipboard in ${clearSeconds} s.`;
    notices.status(`Copied the access token for ${account.label}.${clears}`);
  },
  async refresh(account) {
    notices.status(`Refreshing ${account.label}…`);
    const result = await api.refresh(account.name);
    if (result.ok) {
      show([...current().filter((a) => a.name !== account.name), result.value]);
      const ended = previousTokensEndedNotice(account.provider);
      notices.status(`Refreshed ${account.label}.${ended === undefined ? '' : ` ${ended}`}`);
    } else {
      notices.error(result.error);
      await reload();
    }
  },
  async signInAgain(account, slot) {
    notices.clear();
    const started = await api.signInAgain(account.name, 'browser');
    if (!started.ok) return notices.error(started.error);
    const end = await followSignIn(slot, started.value);
    if (end.state === 'done') notices.status(`Signed in again: ${account.label}.`);
    else if (end.state === 'failed') notices.error(end.error);
    else notices.status('Sign-in cancelled.');
    await reload();
    rows.get(account.name)?.focus();
  },
};

function current(): AccountView[] {
  return [...rows.values()].map((row) => row.view);
}

/** Renders the whole list, keeping each row's element (and so its keyboard focus) by name. */
function show(accounts: AccountView[]): void {
  const sorted = [...accounts].sort((a, b) => a.label.localeCompare(b.label));
  const names = new Set(sorted.map((a) => a.name));
  let lostFocus = false;
  for (const [name, row] of rows) {
    if (!names.has(name)) {
      lostFocus ||= row.node.contains(document.activeElement);
      row.node.remove();
      rows.delete(name);
    }
  }
  const ordered = sorted.map((account) => {
    let row = rows.get(account.name);
    if (row === undefined) {
      row = new AccountRow(account, actions, providers);
      rows.set(account.name, row);
    } else {
      row.update(account, providers);
    }
    return row.node;
  });
  // Re-append only when the order changed: moving a focused node would drop its focus.
  if (ordered.some((node, i) => list.children[i] !== node)) list.replaceChildren(...ordered);
  list.hidden = sorted.length === 0;
  empty.hidden = sorted.length > 0;
  // The account removed elsewhere had the keyboard: give it to the next one, or to "Add account".
  if (lostFocus) {
    const next = sorted[0] === undefined ? undefined : rows.get(sorted[0].name);
    if (next === undefined) byId('add-account').focus();
    else next.focus();
  }
}

/** The list could not be read (a keychain missing at start, say): its error is on screen. */
let listFailed = false;

async function reload(): Promise<void> {
  void showHandOffs();
  const result = await api.listAccounts();
  listFailed = !result.ok;
  if (result.ok) show(result.value);
  else notices.error(result.error);
}

async function openSettings(): Promise<void> {
  const result = await api.openSettings();
  if (!result.ok) notices.error(result.error);
}

byId('add-account').addEventListener('click', () => void openSettings());
byId('open-settings').addEventListener('click', () => void openSettings());
api.onAccountsChanged((accounts) => {
  // The app got through (the keychain answered): the error about the list no longer holds.
  if (listFailed) notices.clear();
  listFailed = false;
  show(accounts);
  void showHandOffs();
});
whileVisible(() => {
  const now = Date.now();
  for (const row of rows.values()) row.tick(now);
});

const [providerList, options] = await Promise.all([api.listProviders(), api.getOptions()]);
if (providerList.ok) providers = providerList.value;
if (options.ok) clearSeconds = options.value.clipboardClearSeconds;
await reload();
