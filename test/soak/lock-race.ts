// The soak's lock race: many processes start at once, each takes one lock a few times and exits
// right after its last release, so waiters keep seeing the claims of holders that have just died.
// That is when a waiter once judged a live lock by a dead holder's claim (see file-lock.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../support/wait-for.js';

const FILE_LOCK = fileURLToPath(new URL('../../main/node/file-lock.ts', import.meta.url));

// A turn holds the lock for a few milliseconds, as a refresh holds it over a request, and checks
// on entering and on leaving that the lock file still names this process: a turn in which it
// does not, or whose log lines interleave with another's, had a second holder. A turn that
// waited over 2 s waited for a lock nobody held (a turn takes ~5 ms; a lost lock, 3 s).
const WORKER = `
const [dir, name, turns] = process.argv.slice(1);
const { appendFileSync, existsSync, readFileSync, writeFileSync } = await import('node:fs');
const { withFileLock } = await import(${JSON.stringify(FILE_LOCK)});
const lock = dir + '/locks/settings.lock';
const ours = () => { try { return JSON.parse(readFileSync(lock, 'utf8')).holder.pid === process.pid; } catch { return false; } };
writeFileSync(dir + '/ready-' + name, '');
const readyBy = Date.now() + 60_000; // the soak kills a racer it gave up on; this one gives up too
while (!existsSync(dir + '/go')) {
  if (Date.now() > readyBy) throw new Error(name + ': never told to go');
  await new Promise((r) => setTimeout(r, 2));
}
for (let i = 0; i < Number(turns); i++) {
  const asked = Date.now();
  await withFileLock(dir + '/locks/settings', async () => {
    appendFileSync(dir + '/log', 'in ' + name + ' ' + (Date.now() - asked) + ' ' + ours() + '\\n');
    await new Promise((r) => setTimeout(r, 5));
    appendFileSync(dir + '/log', 'out ' + name + ' 0 ' + ours() + '\\n');
  }, { staleMs: 3000 });
}
process.exit(0);
`;

export interface LockRaceFigures {
  rounds: number;
  turns: number;
  /** Turns that overlapped another, or found the lock file naming someone else. */
  two_holders: number;
  waits_over_2s: number;
  longest_wait_ms: number;
  /** Files left in the locks folder after a round: a lock or a turn nobody took back. */
  locks_left: number;
  /** A racer that gave up waiting (lock_timeout) exits non-zero. */
  failed_processes: number;
}

export async function lockRace(options: {
  rounds: number;
  processes?: number;
  turns?: number;
  timeLeft?: () => boolean;
}): Promise<LockRaceFigures> {
  const { rounds, processes = 16, turns = 2, timeLeft = () => true } = options;
  const figures: LockRaceFigures = {
    rounds: 0,
    turns: 0,
    two_holders: 0,
    waits_over_2s: 0,
    longest_wait_ms: 0,
    locks_left: 0,
    failed_processes: 0,
  };
  for (; figures.rounds < rounds && timeLeft(); figures.rounds++) {
    const dir = await mkdtemp(join(tmpdir(), 'tokentray-lock-race-'));
    const children: ChildProcess[] = [];
    try {
      const exits = Array.from({ length: processes }, (_, p) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', WORKER, dir, `p${p}`, String(turns)],
          { stdio: 'ignore' },
        );
        children.push(child);
        return new Promise<number | null>((resolve) => child.once('close', resolve));
      });
      await waitFor(
        'every racer ready',
        () => readdirSync(dir).filter((f) => f.startsWith('ready-')).length === processes,
        { timeoutMs: 60_000 },
      );
      writeFileSync(join(dir, 'go'), '');
      const codes = await Promise.all(exits);
      figures.failed_processes += codes.filter((c) => c !== 0).length;
      countTurns(join(dir, 'log'), figures);
      figures.locks_left += readdirSync(join(dir, 'locks')).length;
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }
  return figures;
}

function countTurns(log: string, figures: LockRaceFigures): void {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  let holder: string | undefined;
  for (const line of lines) {
    const [kind, name, waited, ours] = line.split(' ');
    if (ours !== 'true') figures.two_holders++;
    if (kind === 'in') {
      if (holder !== undefined) figures.two_holders++;
      holder = name;
      figures.turns++;
      figures.longest_wait_ms = Math.max(figures.longest_wait_ms, Number(waited));
      if (Number(waited) > 2000) figures.waits_over_2s++;
    } else holder = undefined;
  }
}
