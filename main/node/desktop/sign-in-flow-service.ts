import { randomBytes } from 'node:crypto';
import type { SignInProgress } from '../../common/ipc-contract.js';
import type { AddAccountRequest } from '../../common/ipc-contract.js';
import { asTokenTrayError, TokenTrayError } from '../../common/errors.js';
import type { TokenEngine } from '../engine/token-engine.js';
import type { SettingsStore } from '../settings/settings-store.js';
import {
  startSignIn,
  startSignInAgain,
  type SignInPrompt,
  type SignInSession,
} from '../sign-in/sign-in-session.js';
import { accountView } from './account-views.js';
import { toIpcError } from './desktop-service-call.js';
import { requireConsent, signInQuestion, type AskUser } from './user-confirmation.js';

/** How long a finished flow's outcome stays available to a late `sign-in:wait`. */
const KEEP_SETTLED_MS = 60_000;

/**
 * Sign-ins that may run (or wait for the user's answer) at once. A person finishes one at a
 * time; a window that starts more is looping, or is not ours to trust, and each flow holds a
 * listening port, a browser tab and maybe a dialog.
 */
export const MAX_CONCURRENT_FLOWS = 3;

export interface SignInFlowDeps {
  engine: TokenEngine;
  settings: SettingsStore;
  openUrl: (url: string) => Promise<void>;
  /** Told when a sign-in stored an account, so the windows hear of it. */
  onStored: () => void;
  /** Asks the user, in the main process, before a custom or OpenID sign-in sends anything. */
  askUser: AskUser;
}

interface Flow {
  session: SignInSession;
  /** The last progress, computed once when `done` settles; never rejects. */
  outcome: Promise<SignInProgress>;
  settled: boolean;
}

/**
 * The sign-ins the windows have started, by flow id. The renderer only ever holds the id: it
 * cannot name a URL to open, and it learns how a flow ended from `wait`, never a secret.
 */
export class SignInFlows {
  private readonly flows = new Map<string, Flow>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Flows between `start` and their end, including those still waiting for the user's answer. */
  private running = 0;

  constructor(private readonly deps: SignInFlowDeps) {}

  start(request: AddAccountRequest): Promise<SignInProgress> {
    return this.counted(() =>
      startSignIn(this.deps.engine, request, {
        openUrl: this.deps.openUrl,
        confirm: (account) => requireConsent(this.deps.askUser, signInQuestion(account)),
      }),
    );
  }

  again(name: string, method: 'browser' | 'device'): Promise<SignInProgress> {
    return this.counted(() =>
      startSignInAgain(this.deps.engine, name, method, { openUrl: this.deps.openUrl }),
    );
  }

  /** Starts a flow within the cap; its slot is free again when the flow ends, however it ends. */
  private async counted(begin: () => Promise<SignInSession>): Promise<SignInProgress> {
    if (this.running >= MAX_CONCURRENT_FLOWS) {
      throw new TokenTrayError(
        'invalid_input',
        `${MAX_CONCURRENT_FLOWS} sign-ins are already under way.`,
        { hint: 'Finish or cancel one of them first.' },
      );
    }
    this.running += 1;
    let session: SignInSession;
    try {
      session = await begin();
    } catch (err) {
      this.running -= 1;
      throw err;
    }
    void session.done.then(
      () => (this.running -= 1),
      () => (this.running -= 1),
    );
    return this.track(session);
  }

  wait(flowId: string): Promise<SignInProgress> {
    return this.require(flowId).outcome;
  }

  cancel(flowId: string): void {
    // Cancelling a flow that already ended is harmless: the user pressed Cancel as it finished.
    this.flows.get(flowId)?.session.cancel();
  }

  /** Opens the flow's own URL again (RFC 8252 §7.3, RFC 8628 §3.3): never a URL from the renderer. */
  async openBrowser(flowId: string): Promise<void> {
    const flow = this.require(flowId);
    if (flow.settled) throw ended();
    const url = urlToOpen(flow.session.prompt);
    if (url === undefined) {
      throw new TokenTrayError('invalid_input', 'This sign-in has no page to open.');
    }
    await this.deps.openUrl(url);
  }

  dispose(): void {
    for (const flow of this.flows.values()) flow.session.cancel();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.flows.clear();
  }

  private async track(session: SignInSession): Promise<SignInProgress> {
    const flowId = randomBytes(16).toString('base64url');
    const flow: Flow = { session, outcome: this.outcome(flowId, session), settled: false };
    this.flows.set(flowId, flow);
    void flow.outcome.then(() => {
      flow.settled = true;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.flows.delete(flowId);
      }, KEEP_SETTLED_MS);
      timer.unref();
      this.timers.add(timer);
    });
    const prompt = session.prompt;
    switch (prompt.kind) {
      case 'browser':
        return { flowId, state: 'waiting-for-browser', authorizationUrl: prompt.authorizationUrl };
      case 'device':
        return {
          flowId,
          state: 'waiting-for-device',
          userCode: prompt.userCode,
          verificationUri: prompt.verificationUri,
          verificationUriComplete: prompt.verificationUriComplete ?? null,
          expiresAt: new Date(prompt.expiresAt).toISOString(),
        };
      case 'none':
        // Paste and client credentials settle on their own, after one request: answer with the end.
        return flow.outcome;
    }
  }

  private async outcome(flowId: string, session: SignInSession): Promise<SignInProgress> {
    try {
      const account = await session.done;
      this.deps.onStored();
      return {
        flowId,
        state: 'done',
        account: await accountView(this.deps.engine, this.deps.settings, account.name),
      };
    } catch (err) {
      const error = asTokenTrayError(err);
      if (error.code === 'cancelled') return { flowId, state: 'cancelled' };
      return { flowId, state: 'failed', error: toIpcError(error) };
    }
  }

  private require(flowId: string): Flow {
    const flow = this.flows.get(flowId);
    if (flow === undefined) throw ended();
    return flow;
  }
}

function urlToOpen(prompt: SignInPrompt): string | undefined {
  if (prompt.kind === 'browser') return prompt.authorizationUrl;
  if (prompt.kind === 'device') return prompt.verificationUri;
  return undefined;
}

function ended(): TokenTrayError {
  return new TokenTrayError('invalid_input', 'This sign-in has ended, or never started.', {
    hint: 'Start the sign-in again.',
  });
}
