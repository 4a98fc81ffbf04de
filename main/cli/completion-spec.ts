/**
 * What shell completion offers: the commands, their flags, and where an account name goes. One
 * table, from which the bash, zsh and fish scripts are written (completion-scripts.ts).
 */

/** A flag's value: none (a switch), one of a list, or anything (no suggestions). */
export type FlagValue = null | readonly string[] | 'any';

export interface CommandSpec {
  name: string;
  /** Whether the first argument is an account name. */
  account: boolean;
  /** Words offered in the first position besides account names (git-credential's `setup`). */
  words?: readonly string[];
  flags: Readonly<Record<string, FlagValue>>;
}

const PROVIDERS = ['google', 'microsoft', 'github', 'oidc', 'custom'] as const;

export const COMPLETION_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'add',
    account: false,
    flags: {
      '--provider': PROVIDERS,
      '--client-id': 'any',
      '--issuer': 'any',
      '--tenant': 'any',
      '--token-endpoint': 'any',
      '--authorization-endpoint': 'any',
      '--device-authorization-endpoint': 'any',
      '--revocation-endpoint': 'any',
      '--scope': 'any',
      '--label': 'any',
      '--timeout': 'any',
      '--auth-method': ['client_secret_basic', 'client_secret_post', 'none'],
      '--login': null,
      '--device': null,
      '--open': null,
      '--client-credentials': null,
    },
  },
  {
    name: 'token',
    account: true,
    flags: { '--format': ['raw', 'header', 'json', 'exec-credential'], '--min-ttl': 'any' },
  },
  { name: 'exec', account: true, flags: { '--env': 'any', '--min-ttl': 'any' } },
  {
    name: 'git-credential',
    account: true,
    words: ['setup'],
    flags: { '--host': 'any', '--username': 'any', '--global': null, '--local': null },
  },
  {
    name: 'serve',
    account: true,
    flags: {
      '--gce': null,
      '--port': 'any',
      '--project': 'any',
      '--project-number': 'any',
      '--email': 'any',
      '--min-ttl': 'any',
    },
  },
  { name: 'info', account: true, flags: { '--json': null } },
  { name: 'refresh', account: true, flags: {} },
  { name: 'list', account: false, flags: { '--json': null } },
  { name: 'remove', account: true, flags: { '--no-revoke': null } },
  { name: 'completion', account: false, words: ['bash', 'zsh', 'fish'], flags: {} },
  { name: 'help', account: false, flags: {} },
];
