import { BaseWindow, dialog, type MessageBoxOptions } from 'electron';
import type { AskUser } from '../node/desktop/user-confirmation.js';

/**
 * The user's answer to a question from main/node/desktop/user-confirmation.ts, in a native
 * message box of the main process: no page can draw over it, read it or press its buttons.
 * "Cancel" is the default and what Escape or closing the box means.
 */
export const askInNativeDialog: AskUser = async (question) => {
  const options: MessageBoxOptions = {
    type: 'warning',
    title: question.title,
    message: question.message,
    detail: question.detail,
    buttons: ['Cancel', question.confirmLabel],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
  const parent = BaseWindow.getFocusedWindow();
  const { response } =
    parent === null
      ? await dialog.showMessageBox(options)
      : await dialog.showMessageBox(parent, options);
  return response === 1;
};
