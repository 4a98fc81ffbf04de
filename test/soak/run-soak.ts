// `npm run soak`: a bounded fault-injection run. Real `tokentray` processes against the real
// oidc-provider (rotation and reuse detection on) on loopback, with the real keychain (inside
// test/support/with-private-keyring.sh), each killed with SIGKILL at a random moment. It prints one
// JSON line per figure and exits 1 if an invariant broke:
//
// - kills during refreshes: the share whose grant survived, and the window of kill times in which
//   a grant was lost (each loss must be reported by exit 4 at the next call, never by exit 0);
// - kills during add and remove: accounts half-present after the next start (must be 0), and adds
//   whose kept token did not work;
// - a killed process's lock: the longest the next call took, against a call with no kill before it;
// - a lock race among processes that exit right after releasing: turns with two holders, and waits
//   for a lock nobody held (both must be 0).
//
// Bounded in count (SOAK_KILLS, default 30 per kind) and in time (SOAK_SECONDS, default 240).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadKeytar } from '../../main/node/keychain/keychain-backend.js';
import { SecretVault } from '../../main/node/keychain/secret-vault.js';
import { freshHome, tokentray } from '../support/cli-runner.js';
import { startTokentray } from '../support/crash-helpers.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { lockRace } from './lock-race.js';
import { pastedAdd } from '../support/pasted-add.js';

const SERVICE = 'TokenTray-soak';
const KILLS = Number(process.env.SOAK_KILLS ?? 30);
const DEADLINE = Date.now() + Number(process.env.SOAK_SECONDS ?? 240) * 1000;
const env = { TOKENTRAY_KEYCHAIN_SERVICE: SERVICE };
const vault = new SecretVault(loadKeytar, SERVICE);
let broken = false;

function report(figure: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

function fail(what: string): void {
  broken = true;
  process.stderr.write(`soak: INVARIANT BROKEN: ${what}\n`);
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
const timeLeft = () => Date.now() < DEADLINE;

async function addArgs(provider: LocalProvider, name: string) {
  const pasted = await pastedAdd(provider, name);
  return { args: pasted.args, env: { ...env, ...pasted.env } };
}

async function add(provider: LocalProvider, home: string, name: string): Promise<void> {
  const a = await addArgs(provider, name);
  const result = await tokentray(a.args, home, a.env);
  if (result.code !== 0) throw new Error(`soak: add ${name} failed: ${result.stderr}`);
}

/** Runs `tokentray ARGS` and kills it `delayMs` after it started (if still running). */
async function killAfter(
  args: string[],
  home: string,
  extraEnv: NodeJS.ProcessEnv,
  delayMs: number,
) {
  const victim = startTokentray(args, home, extraEnv);
  const timer = setTimeout(() => victim.child.kill('SIGKILL'), delayMs);
  const exit = await victim.exited;
  clearTimeout(timer);
  return exit.signal === 'SIGKILL' ? 'killed' : 'finished';
}

/**
 * Runs `tokentray ARGS` and kills it `delayMs` after the server issued a new token (rotating the
 * refresh token it was sent), the moment from which a kill can lose the grant.
 */
async function killAfterServerAnswered(
  provider: LocalProvider,
  args: string[],
  home: string,
  delayMs: number,
) {
  const before = provider.counts().success;
  const victim = startTokentray(args, home, env);
  let timer: NodeJS.Timeout | undefined;
  const watch = setInterval(() => {
    if (provider.counts().success === before) return;
    clearInterval(watch);
    timer = setTimeout(() => victim.child.kill('SIGKILL'), delayMs);
  }, 1);
  const exit = await victim.exited;
  clearInterval(watch);
  clearTimeout(timer);
  return exit.signal === 'SIGKILL' ? 'killed' : 'finished';
}

async function timed(args: string[], home: string) {
  const started = performance.now();
  const result = await tokentray(args, home, env);
  return { ...result, ms: performance.now() - started };
}

async function refreshKills(provider: LocalProvider, home: string): Promise<void> {
  await add(provider, home, 'r');
  // How long an unkilled forced refresh takes: kills are spread over that span.
  const plain: number[] = [];
  for (let i = 0; i < 5; i++) plain.push((await timed(['refresh', 'r'], home)).ms);
  const span = median(plain) * 1.2;
  let killed = 0;
  let survived = 0;
  const lostAt: number[] = [];
  const nextCallMs: number[] = [];
  /** The next call's time when the killed one left its account lock behind. */
  const behindLeftLock: number[] = [];
  const targeted = { kills: 0, survived: 0, lostAt: [] as number[], survivedAt: [] as number[] };
  for (let i = 0; i < 2 * KILLS && timeLeft(); i++) {
    // Even rounds: a kill anywhere in the call. Odd rounds: within 100 ms of the server’s answer.
    const aimed = i % 2 === 1;
    const delay = Math.random() * (aimed ? 100 : span);
    const outcome = aimed
      ? await killAfterServerAnswered(provider, ['refresh', 'r'], home, delay)
      : await killAfter(['refresh', 'r'], home, env, delay);
    if (outcome !== 'killed') continue;
    if (aimed) targeted.kills++;
    else killed++;
    const leftLock = await stat(join(home, 'locks', 'account-r.lock')).then(
      () => true,
      () => false,
    );
    const next = await timed(['refresh', 'r'], home);
    nextCallMs.push(next.ms);
    if (leftLock) behindLeftLock.push(next.ms);
    if (next.code === 0) {
      if (aimed) {
        targeted.survived++;
        targeted.survivedAt.push(delay);
      } else survived++;
      continue;
    }
    if (next.code !== 4)
      fail(`after a killed refresh, the next one exited ${next.code}: ${next.stderr}`);
    (aimed ? targeted.lostAt : lostAt).push(delay);
    // The grant is gone and was reported as such: start the account afresh.
    await tokentray(['remove', 'r', '--no-revoke'], home, env);
    await add(provider, home, 'r');
  }
  report({
    figure: 'kills_during_refresh',
    kills: killed,
    survived,
    survived_share: killed === 0 ? null : Number((survived / killed).toFixed(3)),
    lost: lostAt.length,
    loss_window_ms:
      lostAt.length === 0
        ? null
        : [Math.round(Math.min(...lostAt)), Math.round(Math.max(...lostAt))],
    refresh_ms_median: Math.round(median(plain)),
  });
  report({
    figure: 'kills_after_server_rotated',
    kills: targeted.kills,
    survived: targeted.survived,
    survived_share:
      targeted.kills === 0 ? null : Number((targeted.survived / targeted.kills).toFixed(3)),
    lost: targeted.lostAt.length,
    // Kill times, in ms after the server issued the new token, at which the grant was lost.
    loss_window_ms:
      targeted.lostAt.length === 0
        ? null
        : [Math.round(Math.min(...targeted.lostAt)), Math.round(Math.max(...targeted.lostAt))],
    earliest_survived_ms:
      targeted.survivedAt.length === 0 ? null : Math.round(Math.min(...targeted.survivedAt)),
  });
  report({
    figure: 'killed_lock_next_call',
    locks_left_by_kills: behindLeftLock.length,
    next_call_behind_left_lock_ms_max: Math.round(Math.max(0, ...behindLeftLock)),
    next_call_ms_max: Math.round(Math.max(0, ...nextCallMs)),
    next_call_ms_median: Math.round(median(nextCallMs)),
    unkilled_call_ms_median: Math.round(median(plain)),
  });
  await tokentray(['remove', 'r', '--no-revoke'], home, env);
}

/** An account is whole (settings entry and its refresh token), gone (neither), or half-present. */
async function stateOf(home: string, name: string): Promise<'whole' | 'gone' | 'half'> {
  const settings = JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as {
    accounts: Record<string, unknown>;
  };
  const inSettings = Object.hasOwn(settings.accounts, name);
  const entries = (await (await loadKeytar()).findCredentials(SERVICE)).filter((c) =>
    c.account.startsWith(`${name}/`),
  );
  const hasRefreshToken = entries.some((c) => c.account === `${name}/refresh_token`);
  if (inSettings && hasRefreshToken) return 'whole';
  if (!inSettings && entries.length === 0) return 'gone';
  return 'half';
}

async function addRemoveKills(provider: LocalProvider, home: string): Promise<void> {
  // How long an unkilled add and remove take: each kill falls somewhere in that span.
  const plainAdd: number[] = [];
  const plainRemove: number[] = [];
  for (let i = 0; i < 3; i++) {
    const a = await addArgs(provider, 'plain');
    let started = performance.now();
    await tokentray(a.args, home, a.env);
    plainAdd.push(performance.now() - started);
    started = performance.now();
    await tokentray(['remove', 'plain'], home, env);
    plainRemove.push(performance.now() - started);
  }
  const addSpan = median(plainAdd) * 1.2;
  const removeSpan = median(plainRemove) * 1.2;
  const counts = {
    addKills: 0,
    removeKills: 0,
    halfPresent: 0,
    keptButDead: 0,
    addsFinished: 0,
    addsUndone: 0,
    removalsServed: 0,
  };
  for (let i = 0; i < KILLS && timeLeft(); i++) {
    const name = `a${i}`;
    const a = await addArgs(provider, name);
    if ((await killAfter(a.args, home, a.env, Math.random() * addSpan)) === 'killed')
      counts.addKills++;
    await tokentray(['list'], home, env); // the next start
    const afterAdd = await stateOf(home, name);
    if (afterAdd === 'half') counts.halfPresent++;
    if (afterAdd === 'whole') {
      counts.addsFinished++;
      const works = await tokentray(['refresh', name], home, env);
      if (works.code !== 0) counts.keptButDead++;
    } else {
      if (afterAdd === 'gone') counts.addsUndone++;
      await add(provider, home, name);
    }
    // Now kill its removal (revocation on) somewhere along the way.
    if ((await killAfter(['remove', name], home, env, Math.random() * removeSpan)) === 'killed')
      counts.removeKills++;
    const removing = await readFile(join(home, 'journal', `${name}.json`), 'utf8').catch(() => '');
    const served = await tokentray(['token', name], home, env);
    if (served.code === 0 && removing.includes('"remove"')) counts.removalsServed++;
    await tokentray(['list'], home, env);
    const afterRemove = await stateOf(home, name);
    if (afterRemove === 'half') counts.halfPresent++;
    if (afterRemove === 'whole') await tokentray(['remove', name, '--no-revoke'], home, env);
  }
  if (counts.halfPresent > 0)
    fail(`${counts.halfPresent} accounts half-present after the next start`);
  if (counts.keptButDead > 0) fail(`${counts.keptButDead} finished adds kept a dead refresh token`);
  if (counts.removalsServed > 0)
    fail(`${counts.removalsServed} accounts being removed had a token served`);
  report({ figure: 'kills_during_add_remove', ...counts });
}

async function lockRaces(): Promise<void> {
  const race = await lockRace({ rounds: Number(process.env.SOAK_LOCK_RACES ?? 10), timeLeft });
  report({ figure: 'lock_race', ...race });
  if (race.two_holders > 0) fail(`${race.two_holders} lock turns had two holders`);
  if (race.waits_over_2s + race.failed_processes + race.locks_left > 0)
    fail('a racer waited for a lock nobody held, or a lock was left behind');
}

async function main(): Promise<void> {
  const provider = await startLocalProvider();
  const home = await freshHome();
  const started = Date.now();
  try {
    await refreshKills(provider, home);
    await addRemoveKills(provider, home);
    await lockRaces();
  } finally {
    for (const name of await vault.accountNames().catch(() => []))
      await vault.deleteAccount(name).catch(() => undefined);
    await provider.close();
  }
  report({ figure: 'soak_seconds', seconds: Math.round((Date.now() - started) / 1000) });
  process.exitCode = broken ? 1 : 0;
}

await main();
