/**
 * A token bucket: `capacity` tokens, refilled at `perMs` tokens per millisecond. Per process: with several
 * replicas each enforces its own share, which errs on the side of accepting alerts.
 */
export class TokenBucket {
  #tokens: number;
  #at = -1;
  constructor(
    readonly capacity: number,
    private readonly perMs: number,
  ) {
    this.#tokens = capacity;
  }

  /** Takes n tokens and returns 0, or takes none and returns the milliseconds until n are available. */
  take(n: number, nowMs: number): number {
    if (this.#at >= 0) this.#tokens = Math.min(this.capacity, this.#tokens + (nowMs - this.#at) * this.perMs);
    this.#at = nowMs;
    if (this.#tokens >= n) {
      this.#tokens -= n;
      return 0;
    }
    return Math.ceil((n - this.#tokens) / this.perMs);
  }
}
