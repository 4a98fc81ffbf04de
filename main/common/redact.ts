import { TokenTrayError } from './errors.js';

/**
 * The one place that turns errors and log lines into text. Every secret this process has handled
 * is registered here, and every rendered string is scrubbed of them, so even a message built from
 * a server's words cannot carry a token out.
 */
const knownSecrets = new Set<string>();

/** Secrets shorter than this are not worth scrubbing and would mangle ordinary words. */
const MIN_SECRET_LENGTH = 6;

/**
 * The most recently handled secrets kept for scrubbing. The app runs for months and handles a new
 * access token at every refresh: an unbounded set grew without end, and every redaction walked
 * all of it. A token this far back has long expired, and the patterns below still catch any
 * token by its label or its JWT shape.
 */
export const MAX_KNOWN_SECRETS = 512;

export function registerSecret(secret: string | undefined): void {
  if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
  knownSecrets.delete(secret); // seen again: the most recent now
  knownSecrets.add(secret);
  if (knownSecrets.size > MAX_KNOWN_SECRETS) {
    knownSecrets.delete(knownSecrets.values().next().value as string);
  }
}

const patterns: RegExp[] = [
  // Authorization headers and form fields that carry credentials.
  /\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /\b(access_token|refresh_token|id_token|client_secret|code_verifier|device_code|code)=([^&\s"']+)/g,
  /"(access_token|refresh_token|id_token|client_secret)"\s*:\s*"[^"]*"/g,
  // JWTs (three base64url segments), whatever they are labelled.
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
];

export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join('[redacted]');
  for (const pattern of patterns) {
    out = out.replace(pattern, (match, label: unknown) => {
      if (typeof label !== 'string') return '[redacted]'; // a pattern without a label, such as a JWT
      if (match.startsWith('"')) return `"${label}":"[redacted]"`;
      return `${label}${match[label.length] === '=' ? '=' : ' '}[redacted]`;
    });
  }
  return out;
}

/** The most of any one piece of server text we keep: enough for a sentence, not for a payload. */
export const MAX_SERVER_TEXT = 200;

/**
 * C0 and C1 controls (ESC starts a terminal's OSC and CSI sequences), DEL, and the Unicode
 * format characters that reorder or hide text (bidi overrides and isolates, zero-width marks).
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+/g;

/**
 * Text a server chose (`error`, `error_description`, a name from an ID token, `token_type`,
 * discovery fields) made fit to store and show: secrets redacted, control characters replaced by
 * a space, and cut to `max` characters. Every such string passes here before it is kept in
 * config.json or reaches a terminal or window.
 */
export function serverText(text: unknown, max = MAX_SERVER_TEXT): string {
  const raw = typeof text === 'string' ? text : String(text);
  // Redacted whole, then cut: a secret split by a cut could otherwise survive in part.
  const clean = redact(raw.replace(UNPRINTABLE, ' ')).replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Renders an error for a person: message, then the hint. Never the cause or a stack. */
export function formatError(err: unknown): string {
  if (err instanceof TokenTrayError) {
    // Lines stay lines; any other control character (an escape sequence from anywhere) does not.
    const text = err.hint ? `${err.message}\n${err.hint}` : err.message;
    return redact(
      text
        .split('\n')
        .map((line) => line.replace(UNPRINTABLE, ' '))
        .join('\n'),
    );
  }
  const name = err instanceof Error ? err.name : typeof err;
  return `Unexpected ${name}. Please report this with the steps that led to it.`;
}
