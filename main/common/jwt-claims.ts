/**
 * The readable parts of a JWT (RFC 7519 §3): its header and claims set, decoded from base64url
 * (RFC 7515 §2, §7.1). Nothing is verified: this is for showing a person what a token says. The
 * signature is dropped here, so no caller can print it, or the token it would let them rebuild.
 */
export interface JwtParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export function decodeJwt(token: string): JwtParts | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload] = parts.map(decodeSegment);
  return header === undefined || payload === undefined ? undefined : { header, payload };
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
