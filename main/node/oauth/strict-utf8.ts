import { TokenTrayError } from '../../common/errors.js';

/**
 * JSON between systems is UTF-8 (RFC 8259 §8.1). A lenient decoder turns bad bytes into U+FFFD,
 * and a token holding them looks valid until the server refuses it, after it replaced the good one
 * we kept. So the body is decoded strictly, once, and any invalid sequence refuses the whole answer.
 */
export async function strictlyDecoded(response: Response, url: string): Promise<Response> {
  if (response.body === null) return response;
  const bytes = await response.arrayBuffer();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new TokenTrayError(
      'bad_response',
      `${new URL(url).origin} sent an answer that is not valid UTF-8, so nothing from it was used or stored.`,
      {
        hint: 'This is a fault of the server, or of a proxy that re-encoded its answer. The stored tokens are unchanged; report it to the provider.',
        cause: err,
      },
    );
  }
  // The body is decoded now: its old length and encoding no longer describe it.
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}
