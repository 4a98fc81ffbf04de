import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CLI_PATH } from '../support/cli-runner.js';
import { startHandoffFixture, type HandoffFixture } from '../support/handoff-fixture.js';
import { testService } from '../support/keychain-inspect.js';
import { isActive } from '../support/introspect.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const pythonGoogleAuth = (() => {
  try {
    execFileSync(
      PYTHON,
      ['-c', 'import google.auth.compute_engine, google.auth.transport.requests'],
      { stdio: 'ignore' },
    );
    return true;
  } catch {
    return false;
  }
})();

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// `tokentray serve --gce` in its own process, and Google's own client libraries taking their
// tokens from it through the documented environment variables, with no code change.
describe('tokentray serve --gce', { timeout: 120_000 }, () => {
  let f: HandoffFixture;
  let serve: ChildProcess;
  let host: string;
  let port: number;
  const FLAVOR = { 'metadata-flavor': 'Google' };
  /** A request exactly as given: node:http lets the test set Host and Origin, fetch does not. */
  const ask = (
    path: string,
    headers: Record<string, string> = FLAVOR,
    method = 'GET',
    address = '127.0.0.1',
  ) =>
    new Promise<Answer>((resolve, reject) => {
      const req = request(
        { host: address, port, path, method, headers: { host, ...headers }, timeout: 10_000 },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  before(async () => {
    f = await startHandoffFixture(testService(import.meta.url));
    await f.addAccount('gcp', { scopes: ['openid', 'offline_access', 'profile'] });
    serve = spawn(
      process.execPath,
      [
        CLI_PATH,
        'serve',
        'gcp',
        '--gce',
        '--port',
        '0',
        '--project',
        'tokentray-test',
        '--project-number',
        '123456789012',
      ],
      { env: f.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    host = await new Promise<string>((resolve, reject) => {
      serve.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.split('\n');
        if (lines.length > 2) {
          assert.match(lines[0] ?? '', /^GCE_METADATA_HOST=127\.0\.0\.1:\d+$/);
          assert.equal(lines[1], lines[0]?.replace('HOST', 'IP'));
          resolve((lines[0] ?? '').split('=')[1] ?? '');
        }
      });
      serve.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    port = Number(host.split(':')[1]);
  });
  after(async () => {
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
    await f.close();
  });

  test('Node’s google-auth-library gets a live token and the project through GCE_METADATA_HOST', async () => {
    const script = `
      import { GoogleAuth } from 'google-auth-library';
      const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
      const token = await auth.getAccessToken();
      const projectId = await auth.getProjectId();
      const client = await auth.getClient();
      process.stdout.write(JSON.stringify({ token, projectId, kind: client.constructor.name }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        HOME: f.home,
        GCE_METADATA_HOST: host,
        GOOGLE_APPLICATION_CREDENTIALS: '',
      },
      timeout: 60_000,
    });
    const got = JSON.parse(stdout) as { token: string; projectId: string; kind: string };
    assert.equal(got.kind, 'Compute');
    assert.equal(got.projectId, 'tokentray-test');
    assert.ok(await isActive(f.provider, got.token), 'the server says the token is live');
  });

  test(
    'Debian’s python3-google-auth: google.auth.default() finds the endpoint and refreshes',
    { skip: !pythonGoogleAuth && 'SKIPPED: python3-google-auth is not installed' },
    async () => {
      const script = [
        'import json, google.auth, google.auth.transport.requests as r',
        'creds, project = google.auth.default()',
        'creds.refresh(r.Request())',
        'print(json.dumps({"token": creds.token, "project": project, "email": creds.service_account_email}))',
      ].join('\n');
      const { stdout } = await run(PYTHON, ['-c', script], {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: f.home,
          GCE_METADATA_HOST: host,
          GCE_METADATA_IP: host,
          GCE_METADATA_ROOT: host,
        },
        timeout: 60_000,
      });
      const got = JSON.parse(stdout) as { token: string; project: string; email: string };
      assert.equal(got.project, 'tokentray-test');
      assert.match(got.email, /placeholder/);
      assert.ok(await isActive(f.provider, got.token));
    },
  );

  test(
    'gcloud takes its token from the endpoint (GCE_METADATA_ROOT)',
    { skip: !has('gcloud') && 'SKIPPED: gcloud is not installed' },
    async () => {
      const config = join(f.home, 'gcloud');
      const { stdout } = await run(
        'gcloud',
        ['auth', 'print-access-token', '--quiet', '--verbosity=error'],
        {
          env: {
            PATH: process.env.PATH,
            HOME: f.home,
            CLOUDSDK_CONFIG: config,
            GCE_METADATA_ROOT: host,
            GCE_METADATA_HOST: host,
            GCE_METADATA_IP: host,
          },
          timeout: 90_000,
        },
      );
      assert.ok(await isActive(f.provider, stdout.trim()), 'gcloud printed a live token');
    },
  );

  test('the protocol’s paths, every answer flavoured, JSON typed as JSON', async () => {
    for (const path of [
      '/',
      '/computeMetadata/v1/',
      '/computeMetadata/v1/instance',
      '/computeMetadata/v1/instance/service-accounts/',
    ]) {
      const a = await ask(path);
      assert.equal(a.status, 200, path);
      assert.equal(a.headers['metadata-flavor'], 'Google', path);
    }
    const token = await ask(
      '/computeMetadata/v1/instance/service-accounts/default/token?scopes=a,b&alt=json',
    );
    assert.equal(token.headers['content-type'], 'application/json');
    const body = JSON.parse(token.body) as {
      access_token: string;
      expires_in: unknown;
      token_type: string;
    };
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(typeof body.expires_in, 'number');
    assert.ok((body.expires_in as number) > 600);
    assert.equal(body.token_type, 'Bearer');
    const email = (await ask('/computeMetadata/v1/instance/service-accounts/default/email')).body;
    assert.match(email, /^email-unknown\.gcp@placeholder\./, 'a placeholder that says so');
    assert.equal(
      (await ask('/computeMetadata/v1/instance/service-accounts/default/scopes')).body,
      'openid\noffline_access\nprofile\n',
    );
    const info = await ask('/computeMetadata/v1/instance/service-accounts/default/?recursive=true');
    assert.equal(info.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(info.body), {
      aliases: ['default'],
      email,
      scopes: ['openid', 'offline_access', 'profile'],
    });
    // Under the email in place of "default", as Python asks, "@" escaped or not.
    for (const alias of [email, encodeURIComponent(email)]) {
      const byEmail = await ask(
        `/computeMetadata/v1/instance/service-accounts/${alias}/token?scopes=x`,
      );
      assert.equal(byEmail.status, 200);
      assert.ok(JSON.parse(byEmail.body).access_token);
    }
    assert.equal((await ask('/computeMetadata/v1/project/project-id')).body, 'tokentray-test');
    const missing = await ask('/computeMetadata/v1/instance/hostname');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['metadata-flavor'], 'Google');
  });

  test('every security rule, broken once: each request gets 403 and no token', async () => {
    const path = '/computeMetadata/v1/instance/service-accounts/default/token';
    const refusals: Array<[string, Answer]> = [
      ['no Metadata-Flavor', await ask(path, {})],
      ['a wrong Metadata-Flavor', await ask(path, { 'metadata-flavor': 'google-ish' })],
      ['a rebinding Host', await ask(path, { ...FLAVOR, host: `evil.example:${port}` })],
      ['a Host on another port', await ask(path, { ...FLAVOR, host: `127.0.0.1:${port + 1}` })],
      ['an Origin', await ask(path, { ...FLAVOR, origin: 'https://evil.example' })],
      ['a null Origin', await ask(path, { ...FLAVOR, origin: 'null' })],
    ];
    for (const [rule, answer] of refusals) {
      assert.equal(answer.status, 403, rule);
      assert.equal(answer.headers['metadata-flavor'], 'Google', rule);
      assert.doesNotMatch(answer.body, /access_token/, rule);
    }
    assert.equal(
      (await ask(path, { ...FLAVOR, host: `localhost:${port}` })).status,
      200,
      'localhost:<port> is this server too',
    );
    const preflight = await ask(
      path,
      {
        origin: 'https://evil.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'metadata-flavor',
      },
      'OPTIONS',
    );
    assert.notEqual(preflight.status, 200);
    assert.deepEqual(
      Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-')),
      [],
      'OPTIONS gets no CORS headers',
    );
    const optionsFlavoured = await ask(path, FLAVOR, 'OPTIONS');
    assert.deepEqual(
      Object.keys(optionsFlavoured.headers).filter((h) => h.startsWith('access-control-')),
      [],
    );
    // Bound to loopback only: another address of this machine gets no answer at all.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
    if (external === undefined) {
      console.log('# SKIPPED: no non-loopback IPv4 address to prove the loopback-only bind');
    } else {
      await assert.rejects(ask(path, FLAVOR, 'GET', external.address), /ECONNREFUSED/);
    }
  });

  test('each token handed out is in the audit log with time, path and user agent, never the token', async () => {
    const before = await auditLines();
    const token = JSON.parse(
      (
        await ask('/computeMetadata/v1/instance/service-accounts/default/token', {
          ...FLAVOR,
          'user-agent': 'audit-probe/1.0',
        })
      ).body,
    ).access_token as string;
    const lines = await auditLines();
    assert.equal(lines.length, before.length + 1);
    const entry = JSON.parse(lines.at(-1) ?? '') as Record<string, string>;
    assert.equal(entry.userAgent, 'audit-probe/1.0');
    assert.equal(entry.path, '/computeMetadata/v1/instance/service-accounts/default/token');
    assert.equal(entry.account, 'gcp');
    assert.ok(Math.abs(Date.parse(entry.at ?? '') - Date.now()) < 60_000);
    const all = await readFile(join(f.home, 'token-audit.log'), 'utf8');
    assert.ok(!all.includes(token), 'no token in the log');
    // The real clients' own requests were logged under their own user agents.
    assert.ok(lines.some((l) => /"userAgent":"(node-fetch|google-api-nodejs-client)/.test(l)));
    if (pythonGoogleAuth) assert.ok(lines.some((l) => l.includes('"userAgent":"python-requests')));
    // Refused requests hand out nothing and are not logged as hand-outs.
    await ask('/computeMetadata/v1/instance/service-accounts/default/token', {});
    assert.equal((await auditLines()).length, lines.length);
  });

  async function auditLines(): Promise<string[]> {
    return (await readFile(join(f.home, 'token-audit.log'), 'utf8').catch(() => ''))
      .split('\n')
      .filter((l) => l !== '');
  }
});
