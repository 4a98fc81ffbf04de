import { clientSecretRule } from '../../main/common/add-account-rules.js';
import {
  isRedirectPort,
  isValidAccountName,
  parseScopes,
  REDIRECT_PORT_RANGE,
  type ClientAuthMethod,
  type SignInMethod,
} from '../../main/common/account.js';
import type {
  AccountView,
  AddAccountRequest,
  ProviderField,
  ProviderView,
} from '../../main/common/ipc-contract.js';
import { api } from '../shared/api.js';
import { byId, h } from '../shared/dom.js';
import type { Notices } from '../shared/notices.js';
import { followSignIn } from '../shared/sign-in-panel.js';

const METHODS: Record<SignInMethod, { label: string; hint: string; submit: string }> = {
  browser: {
    label: 'Sign in with the browser',
    hint: 'Opens the provider’s sign-in page; the answer comes back to this computer only.',
    submit: 'Sign in with the browser',
  },
  device: {
    label: 'Device code',
    hint: 'Shows a code to enter on the provider’s page, from any device.',
    submit: 'Get a sign-in code',
  },
  paste: {
    label: 'Paste a refresh token',
    hint: 'For a refresh token you already have.',
    submit: 'Add account',
  },
  'client-credentials': {
    label: 'Client credentials',
    hint: 'A machine account: the client’s own ID and secret, no user.',
    submit: 'Add account',
  },
};

/** The input of each provider field, and how the error names it. */
const FIELDS: Record<ProviderField, { input: string; name: string; optional?: true }> = {
  issuer: { input: 'issuer', name: 'issuer URL' },
  tenant: { input: 'tenant', name: 'tenant', optional: true },
  authorizationEndpoint: { input: 'authorization-endpoint', name: 'authorization endpoint' },
  deviceAuthorizationEndpoint: {
    input: 'device-authorization-endpoint',
    name: 'device authorization endpoint',
  },
  tokenEndpoint: { input: 'token-endpoint', name: 'token endpoint' },
  revocationEndpoint: { input: 'revocation-endpoint', name: 'revocation endpoint', optional: true },
};
const ALL_FIELDS = Object.keys(FIELDS) as ProviderField[];

/** Endpoints that only one method uses. */
function fieldApplies(field: ProviderField, method: SignInMethod): boolean {
  if (field === 'authorizationEndpoint') return method === 'browser';
  if (field === 'deviceAuthorizationEndpoint') return method === 'device';
  return true;
}

/**
 * The "Add an account" form: a provider preset, a way to sign in, and what they need. Secrets
 * typed here (client secret, refresh token) leave the page once, in startSignIn, and their fields
 * are emptied as soon as the request is built.
 */
export class AddAccountForm {
  private readonly form = byId<HTMLFormElement>('add-form');
  private readonly fields = byId<HTMLFieldSetElement>('add-fields');
  private readonly provider = byId<HTMLSelectElement>('provider');
  private readonly register = byId<HTMLElement>('provider-register');
  private readonly methods = byId<HTMLElement>('methods');
  private readonly name = byId<HTMLInputElement>('account-name');
  private readonly label = byId<HTMLInputElement>('account-label');
  private readonly clientId = byId<HTMLInputElement>('client-id');
  private readonly secretField = byId<HTMLElement>('client-secret-field');
  private readonly secretLabel = byId<HTMLLabelElement>('client-secret-label');
  private secretRequired = false;
  private readonly secret = byId<HTMLInputElement>('client-secret');
  private readonly tokenField = byId<HTMLElement>('refresh-token-field');
  private readonly refreshToken = byId<HTMLInputElement>('refresh-token');
  private readonly scopes = byId<HTMLInputElement>('scopes');
  private readonly clientAuth = byId<HTMLSelectElement>('client-auth');
  private readonly redirectPortField = byId<HTMLElement>('redirect-port-field');
  private readonly redirectPort = byId<HTMLInputElement>('redirect-port');
  private readonly submit = byId<HTMLButtonElement>('add-submit');
  private readonly problem = byId<HTMLElement>('add-error');
  private readonly progress = byId<HTMLElement>('add-progress');
  private providers: readonly ProviderView[] = [];
  private busy = false;

  constructor(
    private readonly notices: Notices,
    /** Shows the new account (and moves focus to it) before the form announces it. */
    private readonly onAdded: (account: AccountView) => Promise<void>,
  ) {
    this.provider.addEventListener('change', () => this.choseProvider());
    this.methods.addEventListener('change', () => this.choseMethod());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!this.busy) void this.send();
    });
    this.form.addEventListener('input', (event) => {
      (event.target as HTMLElement).removeAttribute('aria-invalid');
    });
  }

  setProviders(providers: readonly ProviderView[]): void {
    this.providers = providers;
    this.provider.replaceChildren(...providers.map((p) => h('option', { value: p.id }, p.title)));
    this.choseProvider();
  }

  private get preset(): ProviderView | undefined {
    return this.providers.find((p) => p.id === this.provider.value);
  }

  private get method(): SignInMethod {
    const checked = this.methods.querySelector<HTMLInputElement>('input:checked');
    return (checked?.value as SignInMethod | undefined) ?? 'browser';
  }

  private choseProvider(): void {
    const preset = this.preset;
    this.register.textContent = preset?.register ?? '';
    const previous = this.method;
    const methods = preset?.methods ?? [];
    const chosen = methods.includes(previous) ? previous : methods[0];
    this.methods.replaceChildren(
      ...methods.map((method) => {
        // The hint describes the choice; it is not part of its name.
        const id = `method-${method}`;
        return h(
          'div',
          { class: 'choice' },
          h('input', {
            type: 'radio',
            id,
            name: 'method',
            value: method,
            checked: method === chosen,
            'aria-describedby': `${id}-hint`,
          }),
          h(
            'div',
            {},
            h('label', { for: id }, METHODS[method].label),
            h('p', { class: 'hint', id: `${id}-hint` }, METHODS[method].hint),
          ),
        );
      }),
    );
    this.scopes.value = (preset?.defaultScopes ?? []).join(' ');
    this.choseMethod();
  }

  private choseMethod(): void {
    const preset = this.preset;
    const method = this.method;
    for (const field of ALL_FIELDS) {
      const shown = (preset?.fields ?? []).includes(field) && fieldApplies(field, method);
      const box = this.fields.querySelector<HTMLElement>(`[data-field="${field}"]`);
      if (box !== null) box.hidden = !shown;
    }
    const secretRule = preset === undefined ? 'optional' : clientSecretRule(preset, method).need;
    this.secretField.hidden = secretRule === 'none';
    this.secretRequired = secretRule === 'required';
    // Rebuilt, not hidden in part: the label's text is the field's accessible name.
    this.secretLabel.replaceChildren(
      'Client secret',
      ...(this.secretRequired ? [] : [' ', h('span', { class: 'optional' }, '(optional)')]),
    );
    this.tokenField.hidden = method !== 'paste';
    this.redirectPortField.hidden = method !== 'browser';
    this.submit.textContent = METHODS[method].submit;
  }

  /** The first field that keeps the form from being sent, with what to tell the user. */
  private firstProblem(): { input: HTMLInputElement; message: string } | undefined {
    if (!isValidAccountName(this.name.value.trim())) {
      return {
        input: this.name,
        message: 'Enter an account name: 1 to 64 letters, digits, “-”, “_” or “.”.',
      };
    }
    for (const field of ALL_FIELDS) {
      const input = this.fieldInput(field);
      if (input !== undefined && !FIELDS[field].optional && input.value.trim() === '') {
        return { input, message: `Enter the ${FIELDS[field].name}.` };
      }
    }
    if (this.clientId.value.trim() === '')
      return { input: this.clientId, message: 'Enter the client ID.' };
    if (!this.secretField.hidden && this.secretRequired && this.secret.value === '') {
      return { input: this.secret, message: 'Enter the client secret.' };
    }
    if (!this.tokenField.hidden && this.refreshToken.value.trim() === '') {
      return { input: this.refreshToken, message: 'Paste the refresh token.' };
    }
    if (!this.redirectPortField.hidden && this.redirectPort.value.trim() !== '') {
      if (!isRedirectPort(Number(this.redirectPort.value))) {
        return {
          input: this.redirectPort,
          message: `Enter a redirect port from ${REDIRECT_PORT_RANGE.min} to ${REDIRECT_PORT_RANGE.max}, or leave it empty for any.`,
        };
      }
    }
    return undefined;
  }

  /** A shown provider field's input, or undefined when the preset or method does not use it. */
  private fieldInput(field: ProviderField): HTMLInputElement | undefined {
    const box = this.fields.querySelector<HTMLElement>(`[data-field="${field}"]`);
    return box === null || box.hidden ? undefined : byId<HTMLInputElement>(FIELDS[field].input);
  }

  private request(): AddAccountRequest {
    const preset = this.preset;
    const request: AddAccountRequest = {
      name: this.name.value.trim(),
      provider: preset?.id ?? 'custom',
      method: this.method,
      clientId: this.clientId.value.trim(),
      scopes: parseScopes(this.scopes.value),
    };
    const label = this.label.value.trim();
    if (label !== '') request.label = label;
    for (const field of ALL_FIELDS) {
      const value = this.fieldInput(field)?.value.trim() ?? '';
      if (value !== '') request[field] = value;
    }
    if (!this.secretField.hidden && this.secret.value !== '')
      request.clientSecret = this.secret.value;
    if (!this.tokenField.hidden) request.refreshToken = this.refreshToken.value.trim();
    if (this.clientAuth.value !== '')
      request.clientAuth = this.clientAuth.value as ClientAuthMethod;
    if (!this.redirectPortField.hidden && this.redirectPort.value.trim() !== '')
      request.redirectPort = Number(this.redirectPort.value);
    return request;
  }

  private async send(): Promise<void> {
    this.problem.textContent = '';
    this.notices.clear();
    const problem = this.firstProblem();
    if (problem !== undefined) {
      problem.input.setAttribute('aria-invalid', 'true');
      this.problem.textContent = problem.message;
      problem.input.focus();
      return;
    }
    const request = this.request();
    const hadSecrets = request.clientSecret !== undefined || request.refreshToken !== undefined;
    // The secrets are in the request now; the page keeps no copy of them.
    this.secret.value = '';
    this.refreshToken.value = '';
    this.busy = true;
    this.submit.setAttribute('aria-disabled', 'true');
    try {
      const started = await api.startSignIn(request);
      if (!started.ok) return this.failed(started.error.message, hadSecrets);
      this.fields.disabled = started.value.state.startsWith('waiting');
      const end = await followSignIn(this.progress, started.value);
      this.fields.disabled = false;
      if (end.state === 'done') return await this.added(end.account);
      if (end.state === 'failed') return this.failed(end.error.message, hadSecrets);
      this.notices.status('Sign-in cancelled. Nothing was stored.');
      this.submit.focus();
    } finally {
      this.fields.disabled = false;
      this.busy = false;
      this.submit.removeAttribute('aria-disabled');
    }
  }

  private failed(message: string, hadSecrets: boolean): void {
    const retype = hadSecrets ? '\nThe secret fields were emptied: enter them again to retry.' : '';
    this.problem.textContent = `${message}${retype}`;
    this.submit.focus();
  }

  private async added(account: AccountView): Promise<void> {
    for (const input of [this.name, this.label, this.clientId, this.secret, this.refreshToken]) {
      input.value = '';
    }
    for (const field of ALL_FIELDS) byId<HTMLInputElement>(FIELDS[field].input).value = '';
    this.clientAuth.value = '';
    this.redirectPort.value = '';
    this.scopes.value = (this.preset?.defaultScopes ?? []).join(' ');
    await this.onAdded(account);
    this.notices.status(`Added ${account.label}.`);
  }
}
