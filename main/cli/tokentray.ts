#!/usr/bin/env node
import { parseTokenArgs } from './token-args.js';
import { fastToken } from './cached-token.js';

// Scripts call `tokentray token` often, so its common case must cost little more than starting
// Node: answer from the running app or the keychain cache here, and load the rest of the CLI only
// when it is needed.
// Run from an Electron shell, what we start (a browser) must not inherit Node mode.
delete process.env.ELECTRON_RUN_AS_NODE;
const argv = process.argv.slice(2);
let answered = false;
if (argv[0] === 'token') {
  try {
    const out = await fastToken(parseTokenArgs(argv.slice(1)));
    if (out !== undefined) {
      process.stdout.write(out);
      answered = true;
    }
  } catch {
    // Bad arguments: the full path reports them.
  }
}
if (!answered) {
  const { runCli } = await import('./run-cli.js');
  process.exitCode = await runCli(argv);
}
