#!/usr/bin/env node
import { parseTokenArgs } from './token-args.js';
import { fastToken, type HeldAppAnswer } from './cached-token.js';
import { loadFullCli } from './full-cli-loader.js';

// Scripts call `tokentray token` often (kubectl on every call), so its common case must cost
// little more than starting Node: answer from the running app or the keychain cache here, and load
// the rest of the CLI (./run-cli.ts, its own file, with V8's code cache: ./full-cli-loader.ts)
// only when that can't answer. This file is built as CommonJS (see esbuild.config.mjs), so no
// top-level await.
// Run from an Electron shell, what we start (a browser) must not inherit Node mode.
delete process.env.ELECTRON_RUN_AS_NODE;

async function main(argv: string[]): Promise<void> {
  let heldAppAnswer: HeldAppAnswer | undefined;
  if (argv[0] === 'token') {
    try {
      const fast = await fastToken(parseTokenArgs(argv.slice(1)));
      if (fast.out !== undefined) {
        process.stdout.write(fast.out);
        return;
      }
      heldAppAnswer = fast.held;
    } catch {
      // Bad arguments: the full path reports them.
    }
  }
  const cli = loadFullCli(argv[0]);
  process.exitCode = await cli.runCli(
    argv,
    cli.createCliContext(heldAppAnswer === undefined ? {} : { heldAppAnswer }),
  );
  cli.saveCompiledCode();
}

void main(process.argv.slice(2));
