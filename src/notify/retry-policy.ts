// When a failed notification is tried again, and when it is given up.

export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failure the notification is dead. */
  maxAttempts: number;
  /** Delay after the first failure; doubles after each further one. */
  baseMs: number;
  /** Ceiling on the delay, so a receiver that is down for a day is still tried several times. */
  maxMs: number;
}

/** Delay before the next attempt after `attempts` failed ones: base, 2·base, 4·base, … capped at max. */
export function retryDelayMs(attempts: number, p: Pick<RetryPolicy, 'baseMs' | 'maxMs'>): number {
  return Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, attempts - 1));
}

/** What to do after a failed attempt: give up, or try again at a time. */
export function afterFailure(attempts: number, now: Date, p: RetryPolicy): { dead: true } | { dead: false; at: Date } {
  if (attempts >= p.maxAttempts) return { dead: true };
  return { dead: false, at: new Date(now.getTime() + retryDelayMs(attempts, p)) };
}
