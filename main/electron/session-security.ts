import { app, session } from 'electron';

/**
 * Session-wide defences, behind the per-window ones in secure-window.ts, so that even a
 * webContents we did not create ourselves (devtools, a future view) is held to them.
 *
 * Content Security Policy: our pages load from file://, which has no response headers, so a CSP
 * set with webRequest.onHeadersReceived would never apply to them. The CSP lives in each page's
 * <meta http-equiv> (renderer/*.html). What webRequest can do for file:// pages is refuse every
 * network request they make, which it does here: our windows need no remote content at all.
 */
export function lockDownSessions(): void {
  const ses = session.defaultSession;
  // No camera, microphone, notifications, geolocation, clipboard reads, or anything else.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (_details, callback) => callback({ cancel: true }),
  );
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
