import { parseArgs } from 'node:util';
import { TokenTrayError } from '../../common/errors.js';
import { settleInterruptedOperations } from '../../node/engine/account-registry.js';
import type { AccountStatusReport } from '../../node/engine/account-status.js';
import type { CliContext } from '../cli-context.js';
import { describeLifetime } from './describe-lifetime.js';

/** `tokentray list [--json]`: every account and its state, never a secret. */
export async function listCommand(args: string[], context: CliContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  if (positionals.length > 0) throw new TokenTrayError('usage', 'Usage: tokentray list [--json]');
  const engine = context.engine();
  await settleInterruptedOperations(engine);
  const reports = await engine.statuses();
  if (values.json) {
    context.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    return;
  }
  if (reports.length === 0) {
    context.stderr.write(
      'No accounts yet. Add one with `tokentray add` (see `tokentray --help`).\n',
    );
    return;
  }
  context.stdout.write(table(reports, context.clock.now()));
}

const HEADINGS = ['NAME', 'LABEL', 'STATUS', 'EXPIRES IN'];

function table(reports: AccountStatusReport[], now: number): string {
  const rows = [
    HEADINGS,
    ...reports.map((r) => [
      r.name,
      r.label,
      r.status,
      r.expiresAt === null
        ? '-'
        : Date.parse(r.expiresAt) <= now
          ? 'expired'
          : describeLifetime(Date.parse(r.expiresAt) - now),
    ]),
  ];
  const widths = HEADINGS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const notes = reports
    .filter((r) => r.message !== undefined)
    .map((r) => `  ${r.name}: ${r.message}`);
  return [...lines, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n') + '\n';
}
