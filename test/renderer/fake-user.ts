import type { AskUser, ConfirmQuestion } from '../../main/node/desktop/user-confirmation.js';

/**
 * A FAKE of the native dialog (main/electron/confirm-dialog.ts), which needs Electron: it
 * records every question the main process put to the user and answers as the test says.
 * The decision of what to ask is the real code's (main/node/desktop/user-confirmation.ts).
 */
export class FakeUser {
  readonly questions: ConfirmQuestion[] = [];
  /** What the user answers next; a test sets it before the action. */
  answer = true;

  readonly ask: AskUser = async (question) => {
    this.questions.push(question);
    return this.answer;
  };
}
