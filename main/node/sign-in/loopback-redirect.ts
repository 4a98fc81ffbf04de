import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenTrayError } from '../../common/errors.js';

/** What the browser is shown once the sign-in has been handled. */
export type RedirectReply = { ok: true } | { ok: false; message: string };

export interface RedirectArrival {
  url: URL;
  /** Answers the browser's tab; the flow calls it once the code exchange has ended. */
  reply(outcome: RedirectReply): void;
}

export interface LoopbackRedirect {
  /** http://127.0.0.1:<port>/callback */
  redirectUri: string;
  /** The first request to the callback path. Rejects with the signal's reason if aborted. */
  arrival: Promise<RedirectArrival>;
  close(): void;
}

const CALLBACK_PATH = '/callback';

/**
 * The redirect listener of a native app, RFC 8252 §7.3: on the loopback IP literal (not
 * "localhost", §8.3), on a port the OS picks (or `port`, for servers that compare redirect
 * URIs port and all), open only while the sign-in runs. It answers the
 * one expected path once; anything else gets a 404, and nothing it receives is logged.
 */
export async function listenForRedirect(
  signal: AbortSignal,
  /** Whether a response belongs to this sign-in: its `state` is the one we sent. */
  isOurs: (params: URLSearchParams) => boolean,
  /** Told of a response refused for its state; the sign-in keeps waiting for the real one. */
  onRefused: () => void,
  /** A fixed port (--redirect-port); 0 or undefined lets the OS pick one. */
  port = 0,
): Promise<LoopbackRedirect> {
  let deliver: ((arrival: RedirectArrival) => void) | undefined;
  let fail: ((reason: unknown) => void) | undefined;
  const arrival = new Promise<RedirectArrival>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  let answered = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH || answered) {
      page(res, 404, 'Not here', 'This address only answers one TokenTray sign-in.');
      return;
    }
    // A response without our state could come from anything that found the port (RFC 6749
    // §10.12): refuse it, and keep waiting, so it can't end the user's real sign-in either.
    if (!isOurs(url.searchParams)) {
      page(
        res,
        400,
        'Not this sign-in',
        'This response does not belong to the sign-in TokenTray is waiting for (its state does not match), so it was ignored. Finish the sign-in in the tab TokenTray opened.',
      );
      onRefused();
      return;
    }
    answered = true;
    deliver?.({
      url: new URL(`${redirectUri}${url.search}`),
      reply: (outcome) =>
        outcome.ok
          ? page(res, 200, 'Signed in', 'TokenTray has the account. You can close this tab.')
          : page(res, 400, 'Sign-in failed', `${outcome.message} You can close this tab.`),
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        (err as { code?: unknown }).code === 'EADDRINUSE'
          ? new TokenTrayError('sign_in_failed', `Port ${port} on 127.0.0.1 is already in use.`, {
              hint: 'Close the program that holds it, or choose another redirect port (and register http://127.0.0.1:<port>/callback at the provider).',
              cause: err,
            })
          : new TokenTrayError('sign_in_failed', 'Could not listen on 127.0.0.1 for the sign-in.', {
              hint: 'Check that loopback networking is available, or use --device instead.',
              cause: err,
            }),
      ),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${CALLBACK_PATH}`;

  const close = (): void => {
    server.close();
    // A browser keeps its connection alive; the flow is over, so drop it.
    server.closeIdleConnections();
  };
  const onAbort = () => {
    fail?.(signal.reason);
    server.closeAllConnections();
    close();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  // Ours to reject even when no one waits yet.
  arrival.catch(() => undefined);
  return {
    redirectUri,
    arrival,
    close: () => {
      signal.removeEventListener('abort', onAbort);
      close();
    },
  };
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><title>TokenTray: ${escape(title)}</title>
<style>body{font:16px system-ui,sans-serif;margin:15vh auto;max-width:32em;padding:0 1em;color-scheme:light dark}</style>
<h1>${escape(title)}</h1><p>${escape(text)}</p></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(body);
}

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
