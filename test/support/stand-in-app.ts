import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker } from '../../main/node/broker/broker-server.js';
import { keychainService } from '../../main/node/keychain/keychain-service.js';
import { resolveDataDir } from '../../main/node/paths.js';
import { openEngine } from './engine-fixture.js';

// A FAKE of the TokenTray app, for the installed CLI's tests: Electron cannot run here, so this
// starts the part of the app the CLI talks to, the real engine and broker, on TOKENTRAY_HOME and
// the test's keychain service. It records how it was started, and runs until it is signalled.
// With STAND_IN_APP_FAILS=1 it leaves at once, as an app that cannot start would.

const home = resolveDataDir();
// Written whole, then renamed into place: the test reads it as soon as it exists.
const record = join(home, 'stand-in-app.json');
writeFileSync(`${record}.tmp`, JSON.stringify({ pid: process.pid, argv: process.argv.slice(2) }));
renameSync(`${record}.tmp`, record);
if (process.env.STAND_IN_APP_FAILS === '1') process.exit(1);
const broker = await startBroker(openEngine(home, keychainService()), home);
process.on('SIGTERM', () => void broker.close().finally(() => process.exit(0)));
