import { validate } from './generated/settings-validator.js';

/** How a file that breaks the schema is reported: conf's own words, which the store recognises. */
export const SCHEMA_VIOLATION = 'Config schema violation: ';

/**
 * How conf (the CLI) and electron-store (the app) open the settings file. The schema's check runs
 * as conf's own would (the same Ajv, options and message), but from a validator compiled at build
 * time from settings-schema.ts (build/settings-validator.mjs): conf compiling the schema at every
 * start cost each CLI command about 30 ms. It runs where conf would: on every parse and before
 * every write.
 */
export function settingsFileOptions(dataDir: string) {
  return {
    cwd: dataDir,
    configName: 'config',
    clearInvalidConfig: false,
    // Not secret, but private: who you have accounts with.
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
    deserialize: (text: string): unknown => checked(JSON.parse(text)),
    serialize: (data: unknown): string => JSON.stringify(checked(data), undefined, '\t'),
  } as const;
}

/** The data, with the schema's defaults filled in (Ajv's useDefaults, as conf sets it), or a throw. */
function checked(data: unknown): unknown {
  if (validate(data)) return data;
  const errors = (validate.errors ?? []).map(
    ({ instancePath, message = '' }) => `\`${instancePath.slice(1)}\` ${message}`,
  );
  throw new Error(`${SCHEMA_VIOLATION}${errors.join('; ')}`);
}
