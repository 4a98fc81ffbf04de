import { TokenTrayError } from './errors.js';

/**
 * The one place that turns errors and log lines into text. Every secret this process has handled
 * is registered here, and every rendered string is scrubbed of them, so even a message built from
 * a server's words cannot carry a token out.
 */
const knownSecrets = new Set<string>();

/** Secrets shorter than this are not worth scrubbing and would mangle ordinary words. */
const MIN_SECRET_LENGTH = 6;

export function registerSecret(secret: string | undefined): void {
  if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) knownSecrets.add(secret);
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

/** Renders an error for a person: message, then the hint. Never the cause or a stack. */
export function formatError(err: unknown): string {
  if (err instanceof TokenTrayError) {
    return redact(err.hint ? `${err.message}\n${err.hint}` : err.message);
  }
  const name = err instanceof Error ? err.name : typeof err;
  return `Unexpected ${name}. Please report this with the steps that led to it.`;
}
