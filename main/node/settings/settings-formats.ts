import { fullFormats } from 'ajv-formats/dist/formats.js';

/**
 * ajv-formats' `uri` check (RFC 3986, as conf's own validator would apply), asked second. Its
 * pattern is a few kilobytes and case-insensitive; compiling it on first use was ~3 ms of every
 * CLI command that reads the settings file. The endpoints TokenTray itself writes all match this
 * far smaller pattern, and it matches nothing ajv-formats refuses: each of its parts (an http(s)
 * scheme, a host of unreserved characters, a port, path segments and a query of plain `pchar`s)
 * is one of the alternatives the full pattern allows at that place. Anything else goes to the
 * full check, so the answer is the same for every string.
 */
const PLAIN_HTTP_URI =
  /^https?:\/\/[a-z0-9\-._~]+(?::\d+)?(?:\/[a-z0-9\-._~!$&'()*+,;=:@]*)*(?:\?[a-z0-9\-._~!$&'()*+,;=:@/?]*)?$/i;

const rfc3986Uri = fullFormats.uri as (value: string) => boolean;

export const uri = (value: string): boolean => PLAIN_HTTP_URI.test(value) || rfc3986Uri(value);

/**
 * The formats object the generated validator reads (build/settings-validator.mjs): all of
 * ajv-formats', as conf gives them, so a format the schema gains later is there too; `uri` sooner.
 */
export const settingsFormats = { ...fullFormats, uri };
