/**
 * The commands `tokentray` has: ./run-cli.ts runs them (its table must name each, and only these),
 * and the fast path keeps one code cache per command (./full-cli-loader.ts): only these name a
 * file.
 */
export const COMMAND_NAMES = [
  'add',
  'token',
  'refresh',
  'list',
  'remove',
  'exec',
  'git-credential',
  'serve',
  'info',
  'completion',
  '__complete',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(name: string | undefined): name is CommandName {
  return (COMMAND_NAMES as readonly (string | undefined)[]).includes(name);
}
