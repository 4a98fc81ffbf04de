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

/**
 * The commands that, as a rule, make an HTTP request or two and then end: the full CLI turns off
 * WebAssembly tier-up for them (./full-cli-loader.ts). Not `serve`, which parses requests for as
 * long as it runs, and not the commands that make none (`list`, `info`, completion): a V8 flag
 * changed after start-up makes Node compile from source every built-in loaded afterwards (its own
 * code cache is checked against the flags), ~13 ms for a command that gained nothing from it.
 */
const REQUEST_THEN_EXIT: ReadonlySet<string> = new Set<CommandName>([
  'add',
  'token',
  'refresh',
  'remove',
  'exec',
  'git-credential',
]);

export function requestsThenExits(name: string | undefined): boolean {
  return name !== undefined && REQUEST_THEN_EXIT.has(name);
}
