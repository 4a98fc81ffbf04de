import type { AccountStatusReport } from '../../common/account.js';

/** What the tray icon shows about all accounts together. */
export type TrayState = 'fresh' | 'refreshing' | 'attention';

export const TRAY_STATES: readonly TrayState[] = ['fresh', 'refreshing', 'attention'];

/** An account the user has to act on: its grant is dead, or its last refresh failed. */
export function needsAttention(report: Pick<AccountStatusReport, 'status'>): boolean {
  return report.status === 'sign-in-required' || report.status === 'error';
}

/**
 * The overall state, most urgent first: attention when any account needs the user, refreshing when
 * any refresh is under way, else fresh. A stale token is not the user's business: the background
 * refresher is about to renew it, and a failure turns it into an error.
 */
export function overallTrayState(
  reports: readonly Pick<AccountStatusReport, 'status'>[],
): TrayState {
  if (reports.some(needsAttention)) return 'attention';
  if (reports.some((r) => r.status === 'refreshing')) return 'refreshing';
  return 'fresh';
}

/** The tray's tooltip: the state in words, naming the accounts that need the user. */
export function trayTooltip(reports: readonly AccountStatusReport[]): string {
  if (reports.length === 0) return 'TokenTray: no accounts yet';
  const attention = reports.filter(needsAttention);
  if (attention.length > 0) {
    const named = attention
      .slice(0, 3)
      .map(
        (r) =>
          `${r.label} (${r.status === 'sign-in-required' ? 'sign in again' : 'refresh failing'})`,
      );
    const more = attention.length > 3 ? `, and ${attention.length - 3} more` : '';
    return `TokenTray: needs attention: ${named.join(', ')}${more}`;
  }
  if (reports.some((r) => r.status === 'refreshing')) return 'TokenTray: refreshing…';
  return reports.length === 1
    ? 'TokenTray: token fresh'
    : `TokenTray: ${reports.length} tokens fresh`;
}
