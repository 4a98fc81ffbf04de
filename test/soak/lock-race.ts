// The soak's lock race: many processes start at once, each takes one lock a few times and exits
// right after its last release, so waiters keep seeing the claims of holders that have just died.
// That is when a waiter once judged a live lock by a dead holder's claim (see file-lock.test.ts).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../support/wait-for.js';

const FILE_LOCK = fileURLToPath(new URL('../../main/node/file-lock.ts', import.meta.url));

// Each turn under the lock writes "in" and "out" to one log; a line after "in" that is not its
// "out" is a second holder. A turn that waited over 2 s waited for a lock nobody held.
const WORKER = `
const [dir, name, turns] = process.argv.slice(1);
const { appendFileSync, existsSync, writeFileSync } = await import('node:fs');
const { withFileLock } = await import(${JSON.stringify(FILE_LOCK)});
writeFileSync(dir + '/ready-' + name, '');
while (!existsSync(dir + '/go')) await new Promise((r) => setTimeout(r, 2));
for (let i = 0; i < Number(turns); i++) {
  const asked = Date.now();
  await withFileLock(dir + '/locks/settings', async () => {
    appendFileSync(dir + '/log', 'in ' + name + ' ' + (Date.now() - asked) + '\\n');
    appendFileSync(dir + '/log', 'out ' + name + '\\n');
  }, { staleMs: 3000 });
}
process.exit(0);
`;

export interface LockRaceFigures {
  rounds: number;
  turns: number;
  two_holders: number;
  waits_over_2s: number;
  longest_wait_ms: number;
  locks_left: number;
  /** A racer that gave up waiting (lock_timeout) exits non-zero. */
  failed_processes: number;
}

export async function lockRace(
  rounds: number,
  processes = 16,
  turns = 2,
): Promise<LockRaceFigures> {
  const figures: LockRaceFigures = {
    rounds,
    turns: 0,
    two_holders: 0,
    waits_over_2s: 0,
    longest_wait_ms: 0,
    locks_left: 0,
    failed_processes: 0,
  };
  for (let round = 0; round < rounds; round++) {
    const dir = await mkdtemp(join(tmpdir(), 'tokentray-lock-race-'));
    const exits = Array.from({ length: processes }, (_, p) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', WORKER, dir, `p${p}`, String(turns)],
        { stdio: 'ignore' },
      );
      return new Promise<number | null>((resolve) => child.once('close', resolve));
    });
    await waitFor(
      'every racer ready',
      () => readdirSync(dir).filter((f) => f.startsWith('ready-')).length === processes,
      { timeoutMs: 60_000 },
    );
    writeFileSync(join(dir, 'go'), '');
    const codes = await Promise.all(exits);
    const lines = existsSync(join(dir, 'log'))
      ? readFileSync(join(dir, 'log'), 'utf8').split('\n')
      : [];
    let holder: string | undefined;
    for (const line of lines.filter(Boolean)) {
      const [kind, name, waited] = line.split(' ');
      if (kind === 'in') {
        if (holder !== undefined) figures.two_holders++;
        holder = name;
        figures.turns++;
        figures.longest_wait_ms = Math.max(figures.longest_wait_ms, Number(waited));
        if (Number(waited) > 2000) figures.waits_over_2s++;
      } else holder = undefined;
    }
    figures.failed_processes += codes.filter((c) => c !== 0).length;
    figures.locks_left += readdirSync(join(dir, 'locks')).length;
  }
  return figures;
}
