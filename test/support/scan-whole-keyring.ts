// The suite-level leak check, run by test/run-tests.sh after every test file has finished, inside
// the same private Secret Service. Each file's own checks see only its keychain service; this one
// reads the whole keyring, as `secret-tool search --all` does, and fails when:
// - an item lies outside a test file's service (a test wrote where a user's real accounts live);
// - an item is not one keytar wrote (no service and account attributes);
// - any secret it holds appears in a plain file the run left behind (settings, locks, logs).
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_SERVICE_PREFIX } from './keychain-inspect.js';
import { filesContaining } from './secret-scan.js';

interface Item {
  attributes: Record<string, string>;
  secret: string;
}

/** Parses what `secret-tool search --all` prints: `[/n]` opens an item, then `key = value` lines. */
function parseItems(text: string): Item[] {
  const items: Item[] = [];
  let current: Item | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('[')) {
      current = { attributes: {}, secret: '' };
      items.push(current);
      continue;
    }
    const match = /^(attribute\.)?([\w.:-]+) = (.*)$/.exec(line);
    if (current === undefined || match === null) continue;
    const [, isAttribute, key = '', value = ''] = match;
    if (isAttribute !== undefined) current.attributes[key] = value;
    else if (key === 'secret') current.secret = value;
  }
  return items;
}

async function keyringItems(): Promise<Item[]> {
  // secret-tool prints each item's secret on stdout and its attributes on stderr: unbuffered and
  // on one pipe, they come in order, item by item.
  const { stdout } = await promisify(execFile)(
    'sh',
    [
      '-c',
      'stdbuf -o0 -e0 secret-tool search --all --unlock xdg:schema org.freedesktop.Secret.Generic 2>&1',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return parseItems(stdout);
}

async function main(): Promise<void> {
  const [scanRoot] = process.argv.slice(2);
  if (scanRoot === undefined) throw new Error('usage: scan-whole-keyring.ts <folder of the run>');
  const items = await keyringItems();
  const problems: string[] = [];
  const services = new Map<string, number>();
  for (const { attributes } of items) {
    const { service, account } = attributes;
    if (service === undefined || account === undefined) {
      problems.push(`an item keytar did not write: ${JSON.stringify(Object.keys(attributes))}`);
      continue;
    }
    services.set(service, (services.get(service) ?? 0) + 1);
    if (!service.startsWith(TEST_SERVICE_PREFIX))
      problems.push(`"${account}" is in service "${service}", not a test file's own`);
  }
  const secrets = items.map((i) => i.secret).filter((s) => s.length >= 8);
  const folders = (await readdir(scanRoot, { withFileTypes: true }))
    .filter(
      (e) =>
        e.isDirectory() &&
        e.name.startsWith('tokentray-') &&
        !e.name.startsWith('tokentray-keyring'),
    )
    .map((e) => join(scanRoot, e.name));
  for (const folder of folders)
    for (const hit of await filesContaining(folder, secrets))
      problems.push(`a secret is in ${hit}`);
  const summary = [...services].map(([s, n]) => `${s}: ${n}`).join(', ') || 'empty';
  console.log(
    `keyring scan: ${items.length} items (${summary}); ${folders.length} test folders searched for ${secrets.length} secrets`,
  );
  if (problems.length > 0) {
    console.error(`keyring scan failed:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}

await main();
