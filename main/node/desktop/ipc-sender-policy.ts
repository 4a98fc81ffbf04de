/** What the gate knows about who sent an IPC message. */
export interface SenderFacts {
  /** The sender's webContents is one of the windows the app opened. */
  isOurWindow: boolean;
  /** The message came from the window's top frame, not an iframe inside it. */
  isTopFrame: boolean;
  /** The URL of the frame that sent it, or undefined when the frame is gone. */
  frameUrl: string | undefined;
}

/**
 * The IPC gate answers a message only from one of our windows, from its top frame, showing one of
 * our own pages: `pages` are the exact file:// URLs of the built renderer pages. A query or a
 * fragment does not make another page; another path, file or scheme does.
 */
export function isTrustedSender(facts: SenderFacts, pages: ReadonlySet<string>): boolean {
  if (!facts.isOurWindow || !facts.isTopFrame || facts.frameUrl === undefined) return false;
  let url: URL;
  try {
    url = new URL(facts.frameUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'file:') return false;
  url.search = '';
  url.hash = '';
  return pages.has(url.href);
}
