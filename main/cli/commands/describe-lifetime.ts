/** "59m 58s", "2h 05m", "0s": how long a token has left, for people. */
export function describeLifetime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
