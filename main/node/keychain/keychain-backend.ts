import { TokenTrayError } from '../../common/errors.js';

/** The four keytar calls TokenTray uses. The real one is keytar; see {@link loadKeytar}. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

let loaded: Promise<KeychainBackend> | undefined;

/**
 * keytar, loaded on first use so commands that need no secret never load the native module.
 * Through CommonJS `require`, not `import()`: keytar is a CommonJS native module, and Electron's
 * ESM loader finding it inside app.asar (and its .node file in app.asar.unpacked) has regressed in
 * several releases, where `require` from the asar has been stable for years.
 */
export function loadKeytar(): Promise<KeychainBackend> {
  loaded ??= Promise.resolve()
    // node:module on first use too: loading it cost the CLI's fast path ~0.3 ms at every start.
    .then(
      () =>
        process.getBuiltinModule('node:module').createRequire(import.meta.url)('keytar') as unknown,
    )
    .then(
      (mod) => (mod as { default?: KeychainBackend }).default ?? (mod as KeychainBackend),
      (err: unknown) => {
        throw new TokenTrayError(
          'keychain_unavailable',
          'The OS keychain library could not be loaded.',
          {
            hint: 'On Linux install libsecret (Debian/Ubuntu: `sudo apt install libsecret-1-0`), then try again.',
            cause: err,
          },
        );
      },
    );
  return loaded;
}

const NO_SESSION =
  /autolaunch D-Bus|given address is empty|DBUS_SESSION_BUS_ADDRESS|org\.freedesktop\.secrets|not provided by any \.service|Could not connect|Failed to connect|dbus/i;
const LOCKED =
  /locked|prompt|dismissed|cancel|interaction is not allowed|user interaction|errSecAuthFailed/i;

/**
 * Turns a keychain failure into an error that says what to do. The keychain's own text names no
 * secret, but it is still not shown verbatim: the code and hint are what the user acts on.
 */
export function classifyKeychainError(
  err: unknown,
  action: 'read' | 'write' | 'delete',
): TokenTrayError {
  if (err instanceof TokenTrayError) return err;
  const text = err instanceof Error ? err.message : String(err);
  if (NO_SESSION.test(text)) {
    return new TokenTrayError(
      'keychain_unavailable',
      'The OS keychain is not reachable: there is no D-Bus session with a Secret Service (common on headless Linux and WSL).',
      {
        hint: 'TokenTray keeps secrets only in the keychain, never in plain files. Log in to a desktop session, or run inside `dbus-run-session` with gnome-keyring unlocked (see the README).',
        cause: err,
      },
    );
  }
  if (LOCKED.test(text)) {
    return new TokenTrayError(
      'keychain_unavailable',
      'The OS keychain is locked, or access to it was refused.',
      {
        hint: 'Unlock your keychain (log in to the desktop, or unlock the "login" keyring), then try again.',
        cause: err,
      },
    );
  }
  const code = action === 'read' ? 'keychain_unavailable' : 'keychain_write_failed';
  return new TokenTrayError(code, `The OS keychain failed to ${action} an entry.`, {
    hint: 'Check that your keychain is unlocked and working, then try again. Nothing was stored in plain files.',
    cause: err,
  });
}
