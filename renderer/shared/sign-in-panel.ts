import type { SignInProgress } from '../../main/common/ipc-contract.js';
import { api } from './api.js';
import { actionButton, h, uniqueId } from './dom.js';
import { formatTimeLeft, whileVisible } from './time-left.js';

export type SignInEnd = Extract<SignInProgress, { state: 'done' | 'failed' | 'cancelled' }>;

/**
 * Shows a sign-in while it waits for the user (in the browser, or at a device-code page) inside
 * `slot`, and resolves with how it ended. The panel offers Cancel and "open the page again"; the
 * main process decides which page that is, so this window never opens a URL itself.
 */
export async function followSignIn(slot: HTMLElement, first: SignInProgress): Promise<SignInEnd> {
  if (first.state === 'done' || first.state === 'failed' || first.state === 'cancelled') {
    return first;
  }
  const panel = first.state === 'waiting-for-browser' ? browserPanel(first) : devicePanel(first);
  slot.replaceChildren(panel.node);
  panel.focusTarget.focus();
  try {
    const result = await api.waitForSignIn(first.flowId);
    if (!result.ok) return { flowId: first.flowId, state: 'failed', error: result.error };
    const end = result.value;
    if (end.state === 'done' || end.state === 'failed' || end.state === 'cancelled') return end;
    return {
      flowId: first.flowId,
      state: 'failed',
      error: { code: 'internal', message: 'The sign-in stopped without an answer.' },
    };
  } finally {
    panel.dispose();
    slot.replaceChildren();
  }
}

interface Panel {
  node: HTMLElement;
  /** Where focus goes when the panel appears: the instruction, so it is read first. */
  focusTarget: HTMLElement;
  dispose(): void;
}

type Waiting<S extends SignInProgress['state']> = Extract<SignInProgress, { state: S }>;

function browserPanel(progress: Waiting<'waiting-for-browser'>): Panel {
  const problem = h('p', { class: 'panel-error', role: 'alert' });
  const message = h(
    'p',
    { class: 'panel-message', tabindex: -1, role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    'Waiting for you to finish signing in, in your browser…',
  );
  const node = h(
    'section',
    { class: 'sign-in-panel', 'aria-label': 'Sign-in in progress' },
    message,
    h(
      'p',
      { class: 'hint' },
      'If no browser window opened, or you closed it, open it again. Nothing is stored until you finish.',
    ),
    h(
      'div',
      { class: 'actions' },
      openAgainButton(progress.flowId, 'Open browser again', problem),
      cancelButton(progress.flowId),
    ),
    problem,
  );
  return { node, focusTarget: message, dispose: () => undefined };
}

function devicePanel(progress: Waiting<'waiting-for-device'>): Panel {
  const problem = h('p', { class: 'panel-error', role: 'alert' });
  const codeId = uniqueId('user-code');
  const code = h('output', { class: 'user-code', id: codeId }, progress.userCode);
  const expiry = h('p', { class: 'hint' });
  const message = h(
    'p',
    { class: 'panel-message', tabindex: -1 },
    'On this or any other device, open ',
    h('span', { class: 'url' }, progress.verificationUri),
    ' and enter this code:',
  );
  const copy = actionButton('Copy code', async () => {
    copy.textContent = (await copyText(progress.userCode, code)) ? 'Code copied' : 'Copy code';
  });
  copy.setAttribute('aria-describedby', codeId);
  const node = h(
    'section',
    { class: 'sign-in-panel', 'aria-label': 'Device sign-in in progress' },
    message,
    code,
    h(
      'div',
      { class: 'actions' },
      copy,
      openAgainButton(progress.flowId, 'Open the page', problem),
      cancelButton(progress.flowId),
    ),
    expiry,
    problem,
  );
  const stopTicking = whileVisible(() => {
    const left = Date.parse(progress.expiresAt) - Date.now();
    expiry.textContent =
      left > 0 ? `The code works for ${formatTimeLeft(left)} more.` : 'The code has expired.';
  });
  return { node, focusTarget: message, dispose: stopTicking };
}

function openAgainButton(flowId: string, text: string, problem: HTMLElement): HTMLButtonElement {
  return actionButton(text, async () => {
    const result = await api.openSignInBrowser(flowId);
    problem.textContent = result.ok ? '' : result.error.message;
  });
}

function cancelButton(flowId: string): HTMLButtonElement {
  return actionButton('Cancel', async () => {
    await api.cancelSignIn(flowId);
  });
}

/**
 * The user code is not a secret, so the page may copy it itself. The app denies the async
 * clipboard permission to every page, so that falls back to copying the selected code (a click is
 * user activation enough); failing both, the code stays selected for the user's own Ctrl+C.
 */
async function copyText(text: string, shown: HTMLElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    getSelection()?.selectAllChildren(shown);
    // Deprecated, but still the one copy that needs no permission.
    return document.execCommand('copy');
  }
}
