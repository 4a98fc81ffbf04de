// One Chromium for a whole `npm test` run: run-tests.sh starts this, reads the first line it
// prints (the endpoint test files connect to, through SHARED_CHROMIUM) and ends it with SIGTERM
// when the tests are done. Starting a Chromium costs more CPU than most test files do.
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';

const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
process.stdout.write(`${server.wsEndpoint()}\n`);
