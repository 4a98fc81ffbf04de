import type { AccountView } from '../../main/common/ipc-contract.js';
import { api } from '../shared/api.js';
import { byId } from '../shared/dom.js';
import { Notices } from '../shared/notices.js';
import { AddAccountForm } from './add-account-form.js';
import { ManageAccounts } from './manage-accounts.js';
import { OptionsForm } from './options-form.js';

const notices = new Notices(byId('status'), byId('error'));
const manage = new ManageAccounts(notices);
const options = new OptionsForm(notices);
const addForm = new AddAccountForm(notices, async (account: AccountView) => {
  await reloadAccounts();
  manage.focus(account.name);
});

async function reloadAccounts(): Promise<void> {
  const result = await api.listAccounts();
  if (result.ok) manage.show(result.value);
  else notices.error(result.error);
}

api.onAccountsChanged((accounts) => manage.show(accounts));

const providers = await api.listProviders();
if (providers.ok) {
  manage.setProviders(providers.value);
  addForm.setProviders(providers.value);
} else {
  notices.error(providers.error);
}
await Promise.all([reloadAccounts(), options.load()]);
