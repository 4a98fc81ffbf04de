import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startBroker, type Broker } from '../../../main/node/broker/broker-server.js';
import { brokerAddress } from '../../../main/node/broker/broker-address.js';
import { askBrokerToRefresh } from '../../../main/node/broker/broker-client.js';
import { FORCED_REFRESH_WINDOW_MS } from '../../../main/node/broker/forced-refresh-limit.js';
import { engineParts, type TokenEngine } from '../../../main/node/engine/token-engine.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { ManualClock } from '../../support/manual-clock.js';

const SERVICE = 'TokenTray-test-broker-limits';
const PIPELINED = 200_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** This process's memory that a connection could grow: the JS heap and the buffers outside it. */
function memoryNow(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

/**
 * Another process of the user, as a page hitting a local socket or a runaway script would: it
 * writes every request at once and reads nothing until told to on stdin, then reads `readCount`
 * answers and prints their ids.
 */
function startFlooder(path: string, readCount: number): ChildProcessWithoutNullStreams {
  const script = `
    const net = require('node:net');
    const socket = net.createConnection(${JSON.stringify(path)});
    socket.pause();
    socket.on('connect', () => {
      const lines = [];
      for (let id = 1; id <= ${PIPELINED}; id++)
        lines.push(JSON.stringify({ v: 1, id, op: 'token', name: 'work', minTtl: 0, service: ${JSON.stringify(SERVICE)} }));
      socket.write(lines.join('\\n') + '\\n');
      process.stdout.write('sent\\n');
    });
    process.stdin.once('data', () => {
      let text = '';
      const ids = [];
      socket.on('data', (d) => {
        text += d;
        const parts = text.split('\\n');
        text = parts.pop();
        for (const part of parts) {
          const m = JSON.parse(part);
          if (m.id !== undefined) ids.push(m.ok === true ? m.id : -1);
          if (ids.length === ${readCount}) { process.stdout.write(JSON.stringify(ids) + '\\n'); process.exit(0); }
        }
      });
      socket.resume();
    });`;
  return spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
}

function nextLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString();
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      child.stdout.off('data', onData);
      resolve(text.slice(0, nl));
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`flooder exited ${code}`)));
  });
}

/** Waits until `count()` stops changing for `quietMs` (work has stalled), up to a deadline. */
async function untilSteady(count: () => number, quietMs: number, deadlineMs: number) {
  const deadline = Date.now() + deadlineMs;
  let last = count();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (count() !== last) {
      last = count();
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return last;
  }
  throw new Error(`still changing after ${deadlineMs} ms`);
}

// Finding 6 of the security audit: any process of the user may open the broker's socket, so what
// one connection can make the app spend (memory, refreshes at the provider) must be bounded.
describe('the broker’s limits per connection and per account', () => {
  let provider: LocalProvider;
  let home: string;
  let engine: TokenEngine;
  let broker: Broker;
  let clock: ManualClock;
  let served = 0;

  before(async () => {
    provider = await startLocalProvider();
    home = await mkdtemp(join(tmpdir(), 'tokentray-broker-limits-'));
    clock = new ManualClock(Date.now());
    engine = openEngine(home, SERVICE, { clock });
    await addRotatingAccount(engine, provider, 'work', { scopes: ['openid', 'offline_access'] });
    const getToken = engine.getToken.bind(engine);
    engine.getToken = (...args) => {
      served++;
      return getToken(...args);
    };
    broker = await startBroker(engine, home);
  });
  after(async () => {
    await broker.close();
    await engineParts(engine).vault.deleteAccount('work');
    await provider.close();
  });

  test(`${PIPELINED} pipelined requests on an unread connection keep the app's memory bounded`, async (t) => {
    const baseline = memoryNow();
    const flooder = startFlooder((await brokerAddress(home)).path, 1_000);
    try {
      assert.equal(await nextLine(flooder), 'sent');
      const stalledAt = await untilSteady(() => served, 500, 60_000);
      const grown = memoryNow() - baseline;
      t.diagnostic(
        `served ${stalledAt} of ${PIPELINED} before the unread answers filled the socket; memory grew ${(grown / 1e6).toFixed(1)} MB`,
      );
      assert.ok(stalledAt < PIPELINED / 10, `the broker stopped answering (at ${stalledAt})`);
      assert.ok(grown < 16e6, `memory grew ${(grown / 1e6).toFixed(1)} MB`);
      // Once the client reads, it is answered in order, each request once.
      const idsLine = nextLine(flooder);
      flooder.stdin.write('read\n');
      const ids = JSON.parse(await idsLine) as number[];
      assert.deepEqual(
        ids,
        Array.from({ length: 1_000 }, (_, i) => i + 1),
      );
    } finally {
      flooder.kill();
    }
  });

  test('50 forced refreshes in a row make one refresh, and each gets its token', async () => {
    // The engine's clock runs with real time here (each ask comes after the last token was
    // issued, so each would refresh), and jumps only where the test says.
    const ask = () => {
      clock.advance(Math.max(0, Date.now() - clock.now() + 1));
      return askBrokerToRefresh(home, { name: 'work', service: SERVICE });
    };
    provider.resetCounts();
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await ask());
    const parallel = await Promise.all(Array.from({ length: 20 }, ask));
    assert.equal(provider.counts().total, 1, 'one refresh reached the provider');
    const expiries = new Set([...answers, ...parallel].map((a) => (a?.ok ? a.value.expiresAt : 0)));
    assert.equal(expiries.size, 1, 'every caller got the one fresh token');
    assert.ok(!expiries.has(0), 'every answer was a token');

    // After the window, a forced refresh refreshes again.
    clock.advance(FORCED_REFRESH_WINDOW_MS + 1);
    const later = await ask();
    assert.ok(later?.ok);
    assert.equal(provider.counts().total, 2);
  });
});
