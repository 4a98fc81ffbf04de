import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { dump } from 'js-yaml';
import { CLI_PATH } from '../support/cli-runner.js';
import { startHandoffFixture, type HandoffFixture } from '../support/handoff-fixture.js';
import { testService } from '../support/keychain-inspect.js';
import { isActive } from '../support/introspect.js';

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 20_000 });
    return 'kubectl';
  } catch {
    return undefined;
  }
})();

// TokenTray as a Kubernetes exec credential plugin, run by the real consumers: the official
// JavaScript client (@kubernetes/client-node) and kubectl, against a small API server on 127.0.0.1
// that lets a request in only with a bearer token oidc-provider says is live.
describe(
  'tokentray token --format exec-credential with Kubernetes clients',
  { timeout: 120_000 },
  () => {
    let f: HandoffFixture;
    let api: Server;
    let server: string;
    let kubeconfig: string;
    const seen: Array<{ path: string; accepted: boolean }> = [];

    before(async () => {
      f = await startHandoffFixture(testService(import.meta.url));
      await f.addAccount('cluster');
      // Kubernetes clients send credentials only over TLS: a throw-away certificate for 127.0.0.1.
      const cert = join(f.home, 'api.crt');
      const key = join(f.home, 'api.key');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          key,
          '-out',
          cert,
        ],
        { stdio: 'ignore' },
      );
      const certPem = await readFile(cert);
      api = createServer({ cert: certPem, key: await readFile(key) }, (req, res) => {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        void (token === undefined ? Promise.resolve(false) : isActive(f.provider, token)).then(
          (accepted) => {
            seen.push({ path: req.url ?? '', accepted });
            res.setHeader('content-type', 'application/json');
            if (!accepted) {
              res.writeHead(401).end(
                JSON.stringify({
                  kind: 'Status',
                  apiVersion: 'v1',
                  status: 'Failure',
                  code: 401,
                  reason: 'Unauthorized',
                }),
              );
              return;
            }
            res.end(
              JSON.stringify({
                kind: 'NamespaceList',
                apiVersion: 'v1',
                metadata: {},
                items: [{ metadata: { name: 'tokentray-ok' } }],
              }),
            );
          },
        );
      });
      await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
      server = `https://127.0.0.1:${(api.address() as AddressInfo).port}`;
      // The kubeconfig entry the README shows, with the CLI's absolute path (no global install here)
      // and the fixture's data folder passed through exec's env.
      kubeconfig = join(f.home, 'kubeconfig');
      await writeFile(kubeconfig, dump(kubeconfigFor(server, certPem.toString('base64'), f)));
    });
    after(async () => {
      await new Promise<void>((resolve) => api.close(() => resolve()));
      await f.close();
    });

    test('the plugin prints a v1 ExecCredential with the token and an RFC 3339 expiry', async () => {
      const r = await f.cli(['token', 'cluster', '--format', 'exec-credential']);
      assert.equal(r.code, 0, r.stderr);
      const credential = JSON.parse(r.stdout) as {
        apiVersion: string;
        kind: string;
        status: { token: string; expirationTimestamp: string };
      };
      assert.equal(credential.apiVersion, 'client.authentication.k8s.io/v1');
      assert.equal(credential.kind, 'ExecCredential');
      assert.ok(await isActive(f.provider, credential.status.token));
      assert.match(credential.status.expirationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(Date.parse(credential.status.expirationTimestamp) > Date.now() + 60_000);
    });

    test('@kubernetes/client-node authenticates through the plugin', async () => {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      const core = kc.makeApiClient(CoreV1Api);
      const list = await core.listNamespace();
      assert.deepEqual(
        list.items.map((n) => n.metadata?.name),
        ['tokentray-ok'],
      );
      assert.equal(seen.at(-1)?.accepted, true);
    });

    test(
      'kubectl authenticates through the plugin',
      { skip: kubectl === undefined && 'SKIPPED: kubectl is not installed' },
      async () => {
        const { stdout } = await promisify(execFile)(
          'kubectl',
          ['--kubeconfig', kubeconfig, 'get', '--raw', '/api/v1/namespaces'],
          { env: { ...process.env, HOME: f.home, KUBECONFIG: kubeconfig }, timeout: 60_000 },
        );
        assert.match(stdout, /tokentray-ok/);
        assert.equal(seen.at(-1)?.accepted, true);
      },
    );
  },
);

function kubeconfigFor(server: string, caData: string, f: HandoffFixture) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server, 'certificate-authority-data': caData } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: 'tokentray' } }],
    'current-context': 'local',
    users: [
      {
        name: 'tokentray',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: process.execPath,
            args: [CLI_PATH, 'token', 'cluster', '--format', 'exec-credential'],
            env: [
              { name: 'TOKENTRAY_HOME', value: f.home },
              { name: 'TOKENTRAY_KEYCHAIN_SERVICE', value: f.service },
            ],
            interactiveMode: 'Never',
          },
        },
      },
    ],
  };
}
