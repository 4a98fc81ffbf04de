import { parseArgs } from 'node:util';
import { TokenTrayError } from '../../common/errors.js';
import { serveAccountAsGce } from '../../node/handoff/serve-gce.js';
import { acquireToken } from '../acquire-token.js';
import type { CliContext } from '../cli-context.js';
import { parseMinTtl } from '../token-args.js';

const USAGE =
  'Usage: tokentray serve <name> --gce [--port <port, 0 = any>] [--project <id>] [--project-number <n>] [--email <email>]';

/**
 * `tokentray serve <name> --gce`: a Compute Engine metadata endpoint on 127.0.0.1 in the
 * foreground, so Google's client libraries take their tokens from TokenTray with no code change.
 * Stops on Ctrl-C or SIGTERM.
 */
export async function serveCommand(args: string[], context: CliContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      gce: { type: 'boolean', default: false },
      port: { type: 'string', default: '0' },
      project: { type: 'string' },
      'project-number': { type: 'string' },
      email: { type: 'string' },
      'min-ttl': { type: 'string' },
    },
  });
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined || !values.gce) {
    throw new TokenTrayError('usage', USAGE, {
      hint: '--gce is the one protocol `serve` speaks so far.',
    });
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TokenTrayError(
      'usage',
      `--port must be 0 to 65535, not "${values.port.slice(0, 20)}".`,
    );
  }
  const projectNumber = values['project-number'];
  if (projectNumber !== undefined && !/^\d{1,20}$/.test(projectNumber)) {
    throw new TokenTrayError('usage', '--project-number must be the project’s number (digits).');
  }
  const minTtl = parseMinTtl(values['min-ttl']);
  const query = minTtl === undefined ? { name } : { name, minTtl };
  // The account must exist and hand out a token now, or nothing is served.
  await acquireToken(context, query);
  const account = context
    .engine()
    .accounts()
    .find((a) => a.name === name);
  if (account === undefined)
    throw new TokenTrayError('no_such_account', `There is no account "${name}".`);
  let server;
  try {
    server = await serveAccountAsGce({
      dataDir: context.dataDir,
      account,
      port,
      getToken: () => acquireToken(context, query),
      clock: context.clock,
      ...(values.email === undefined ? {} : { email: values.email }),
      ...(values.project === undefined ? {} : { projectId: values.project }),
      ...(projectNumber === undefined ? {} : { projectNumber }),
    });
  } catch (err) {
    throw new TokenTrayError(
      'usage',
      `Could not listen on 127.0.0.1:${port} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      {
        hint: 'Choose another --port, or 0 for any free one.',
      },
    );
  }
  // GCE_METADATA_HOST for Node's libraries and gcloud, GCE_METADATA_IP for Python's probe, and
  // GCE_METADATA_ROOT for Python google-auth releases older than GCE_METADATA_HOST.
  context.stdout.write(
    `GCE_METADATA_HOST=${server.host}\nGCE_METADATA_IP=${server.host}\nGCE_METADATA_ROOT=${server.host}\n`,
  );
  context.stderr.write(
    `Serving "${name}" as a GCE metadata endpoint on ${server.host}. Ctrl-C stops.\n`,
  );
  await new Promise<void>((resolve) => {
    const stops = (['SIGINT', 'SIGTERM'] as const).map((signal) =>
      context.onSignal(signal, () => {
        for (const stop of stops) stop();
        resolve();
      }),
    );
  });
  await server.close();
}
