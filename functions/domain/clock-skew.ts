/**
 * How far ahead of ours another clock (a port's, the railway's, an officer's) may run: a time reported up to this
 * much later than now is taken as now; further ahead, it did not happen yet. One tolerance for every report.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Whether a reported time (epoch milliseconds) is later than `now` by more than the tolerance. */
export function isInTheFuture(at: number, now: Date): boolean {
  return at > now.getTime() + CLOCK_SKEW_MS;
}
