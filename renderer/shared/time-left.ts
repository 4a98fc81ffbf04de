/** Time left as the windows show it: m:ss under an hour, h:mm (with "h") from an hour on. */
export function formatTimeLeft(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')} h`;
}

/** "Expires in 4:59", "Expired", or "No token yet", from an ISO 8601 expiry. */
export function expiryText(expiresAt: string | null, now: number): string {
  if (expiresAt === null) return 'No token yet';
  const left = Date.parse(expiresAt) - now;
  return left <= 0 ? 'Expired' : `Expires in ${formatTimeLeft(left)}`;
}

/**
 * Calls `tick` every second while the page is visible, and once at once when it becomes visible:
 * a hidden window costs no timer wake-ups, and shows the right time the moment it is seen again.
 */
export function whileVisible(tick: () => void, intervalMs = 1000): () => void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const sync = (): void => {
    const visible = document.visibilityState === 'visible';
    if (visible && timer === undefined) {
      tick();
      timer = setInterval(tick, intervalMs);
    } else if (!visible && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  document.addEventListener('visibilitychange', sync);
  sync();
  return () => {
    document.removeEventListener('visibilitychange', sync);
    if (timer !== undefined) clearInterval(timer);
  };
}
