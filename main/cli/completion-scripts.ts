import { COMPLETION_COMMANDS, type CommandSpec } from './completion-spec.js';

/**
 * The completion scripts, written from the one table in completion-spec.ts. Account names come
 * from `tokentray __complete accounts`, which reads the settings file only: completing reads no
 * secret and never touches the keychain or the network.
 */
export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

const names = COMPLETION_COMMANDS.map((c) => c.name).join(' ');
const flagsOf = (c: CommandSpec) => Object.keys(c.flags).join(' ');
const valueFlagsOf = (c: CommandSpec) =>
  Object.entries(c.flags)
    .filter(([, v]) => v !== null)
    .map(([f]) => f)
    .join(' ');
const choices = (c: CommandSpec) =>
  Object.entries(c.flags).flatMap(([flag, v]) =>
    Array.isArray(v) ? [{ flag, values: (v as readonly string[]).join(' ') }] : [],
  );

export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return bash();
    case 'zsh':
      return zsh();
    case 'fish':
      return fish();
  }
}

function bash(): string {
  const cases = COMPLETION_COMMANDS.map(
    (c) =>
      `    ${c.name}) flags="${flagsOf(c)}"; values="${valueFlagsOf(c)}"; words="${(c.words ?? []).join(' ')}"; account=${c.account ? 1 : 0} ;;`,
  ).join('\n');
  const valueCases = COMPLETION_COMMANDS.flatMap((c) =>
    choices(c).map(
      ({ flag, values }) =>
        `      ${c.name}:${flag}) COMPREPLY=($(compgen -W "${values}" -- "$cur")) ;;`,
    ),
  ).join('\n');
  return `# tokentray completion for bash: add  source <(tokentray completion bash)  to ~/.bashrc
_tokentray_accounts() {
  "\${COMP_WORDS[0]}" __complete accounts 2>/dev/null
}
_tokentray() {
  local cur prev cmd i word flags values words account skip=0 positional=0
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  if [ "$COMP_CWORD" -le 1 ]; then
    COMPREPLY=($(compgen -W "${names}" -- "$cur"))
    return 0
  fi
  cmd="\${COMP_WORDS[1]}"
  case "$cmd" in
${cases}
    *) return 0 ;;
  esac
  for ((i = 2; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    if [ "$word" = "--" ]; then COMPREPLY=($(compgen -c -- "$cur")); return 0; fi
    case " $values " in *" $word "*) skip=1; continue ;; esac
    case "$word" in -*) ;; *) positional=$((positional + 1)) ;; esac
  done
  if [ "$skip" = 1 ]; then
    case "$cmd:$prev" in
${valueCases}
    esac
    return 0
  fi
  case "$cur" in -*) COMPREPLY=($(compgen -W "$flags" -- "$cur")); return 0 ;; esac
  if [ "$positional" = 0 ]; then
    if [ "$account" = 1 ]; then words="$words $(_tokentray_accounts)"; fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  elif [ "$positional" = 1 ] && [ "$cmd" = git-credential ] && [ "\${COMP_WORDS[2]}" = setup ]; then
    COMPREPLY=($(compgen -W "$(_tokentray_accounts)" -- "$cur"))
  fi
  return 0
}
complete -F _tokentray tokentray
`;
}

function zsh(): string {
  const cases = COMPLETION_COMMANDS.map(
    (c) =>
      `    ${c.name}) flags=(${flagsOf(c)}); values=(${valueFlagsOf(c)}); firsts=(${(c.words ?? []).join(' ')}); account=${c.account ? 1 : 0} ;;`,
  ).join('\n');
  const valueCases = COMPLETION_COMMANDS.flatMap((c) =>
    choices(c).map(({ flag, values }) => `      ${c.name}:${flag}) compadd -- ${values} ;;`),
  ).join('\n');
  return `#compdef tokentray
# tokentray completion for zsh: add  source <(tokentray completion zsh)  to ~/.zshrc, after compinit
_tokentray_accounts() {
  compadd -- \${(f)"$(\${words[1]} __complete accounts 2>/dev/null)"}
}
_tokentray() {
  local cmd=\${words[2]} i word skip=0 positional=0 account=0
  local -a flags values firsts
  if (( CURRENT == 2 )); then
    compadd -- ${names}
    return
  fi
  case $cmd in
${cases}
    *) return 1 ;;
  esac
  for (( i = 3; i < CURRENT; i++ )); do
    word=\${words[i]}
    if (( skip )); then skip=0; continue; fi
    if [[ $word == -- ]]; then
      words=("\${(@)words[i+1,-1]}")
      (( CURRENT -= i ))
      _normal
      return
    fi
    if (( \${values[(Ie)$word]} )); then skip=1; continue; fi
    [[ $word == -* ]] || (( positional++ ))
  done
  if (( skip )); then
    case "$cmd:\${words[CURRENT-1]}" in
${valueCases}
    esac
    return
  fi
  if [[ $PREFIX == -* ]]; then compadd -- $flags; return; fi
  if (( positional == 0 )); then
    (( \${#firsts} )) && compadd -- $firsts
    (( account )) && _tokentray_accounts
  elif (( positional == 1 )) && [[ $cmd == git-credential && \${words[3]} == setup ]]; then
    _tokentray_accounts
  fi
}
if [[ \${funcstack[1]} == _tokentray ]]; then _tokentray "$@"; else compdef _tokentray tokentray; fi
`;
}

function fish(): string {
  const lines: string[] = [
    '# tokentray completion for fish: tokentray completion fish > ~/.config/fish/completions/tokentray.fish',
    'function __tokentray_no_positional --description "no argument yet after the command"',
    '    set -l skip 0',
    '    for w in (commandline -opc)[3..-1]',
    '        if test $skip = 1',
    '            set skip 0',
    '            continue',
    '        end',
    '        if contains -- $w $argv',
    '            set skip 1',
    '            continue',
    '        end',
    "        string match -q -- '-*' $w; and continue",
    '        return 1',
    '    end',
    '    return 0',
    'end',
    'complete -c tokentray -f',
    `complete -c tokentray -n __fish_use_subcommand -a "${names}"`,
  ];
  for (const c of COMPLETION_COMMANDS) {
    const seen = `__fish_seen_subcommand_from ${c.name}`;
    const first = `${seen}; and __tokentray_no_positional ${valueFlagsOf(c)}`.trimEnd();
    if (c.account) {
      lines.push(
        `complete -c tokentray -n "${first}" -a "(tokentray __complete accounts 2>/dev/null)"`,
      );
    }
    if (c.words !== undefined)
      lines.push(`complete -c tokentray -n "${first}" -a "${c.words.join(' ')}"`);
    for (const [flag, value] of Object.entries(c.flags)) {
      const long = flag.slice(2);
      if (value === null) lines.push(`complete -c tokentray -n "${seen}" -l ${long}`);
      else if (value === 'any') lines.push(`complete -c tokentray -n "${seen}" -l ${long} -x`);
      else lines.push(`complete -c tokentray -n "${seen}" -l ${long} -x -a "${value.join(' ')}"`);
    }
  }
  return `${lines.join('\n')}\n`;
}
