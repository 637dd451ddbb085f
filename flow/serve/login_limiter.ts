/**
 * Slows down password guessing on the dashboard's login: after
 * `maxFailures` failed logins within `windowMs`, from one client address or
 * for one user name, further logins from it (or for it) are refused until
 * the window has passed, even with the right password.
 *
 * @module
 */

/** Options of {@link LoginLimiter}. */
export interface LoginLimiterOptions {
  /** Failures allowed within the window; default 5. */
  maxFailures?: number;
  /** default 15 minutes. */
  windowMs?: number;
  now?: () => number;
}

/**
 * See the module documentation.
 *
 * @example
 * ```ts
 * const limiter = new LoginLimiter({ maxFailures: 3 });
 * limiter.retryAfter(["ip:10.0.0.7", "user:ops"]); // 0: go ahead
 * limiter.failed(["ip:10.0.0.7", "user:ops"]);
 * ```
 */
export class LoginLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();

  constructor(options: LoginLimiterOptions = {}) {
    this.#max = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds to wait before any of `keys` may try again; 0 when none is blocked. */
  retryAfter(keys: readonly string[]): number {
    const now = this.#now();
    let wait = 0;
    for (const key of keys) {
      const times = this.#recent(key, now);
      if (times.length >= this.#max) wait = Math.max(wait, times[0] + this.#windowMs - now);
    }
    return Math.ceil(wait / 1000);
  }

  /** Counts a failed login against each of `keys`. */
  failed(keys: readonly string[]): void {
    const now = this.#now();
    for (const key of keys) this.#failures.set(key, [...this.#recent(key, now), now]);
    if (this.#failures.size > 10_000) this.#sweep(now);
  }

  /** Forgets the failures of `keys` (after a successful login). */
  succeeded(keys: readonly string[]): void {
    for (const key of keys) this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > now - this.#windowMs);
  }

  #sweep(now: number): void {
    for (const key of [...this.#failures.keys()]) {
      if (this.#recent(key, now).length === 0) this.#failures.delete(key);
    }
  }
}
