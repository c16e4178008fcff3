// One concurrency budget for every request of the copy: whole-object copies, part copies, HEADs.
//
// The limit moves AIMD-style, as TCP does: when the destination still pushes back after the
// SDK's own retries (SlowDown, 503), halve it; while requests succeed, win back one slot per
// window of `limit` successes. A burst of rejections from one overload halves only once.

const DECREASE_COOLDOWN_MS = 1000;

export class ConcurrencyBudget {
  private current: number;
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private head = 0;
  private lastDecrease = -Infinity;
  /** The lowest limit pushback drove the budget to. */
  lowest: number;

  constructor(
    readonly max: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`concurrency must be a positive integer, got ${max}`);
    this.current = max;
    this.lowest = max;
  }

  /** Slots currently allowed. */
  get limit(): number {
    return Math.max(1, Math.floor(this.current));
  }

  get active(): number {
    return this.inFlight;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.inFlight < this.limit && this.head === this.waiters.length) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(grant, this.head);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    this.inFlight--;
    this.grant();
  }

  onSuccess(): void {
    if (this.current >= this.max) return;
    this.current = Math.min(this.max, this.current + 1 / this.current);
    this.grant();
  }

  /** Returns true when this pushback lowered the limit. */
  onPushback(): boolean {
    const t = this.now();
    if (t - this.lastDecrease < DECREASE_COOLDOWN_MS) return false;
    this.lastDecrease = t;
    this.current = Math.max(1, this.current / 2);
    this.lowest = Math.min(this.lowest, this.limit);
    return true;
  }

  private grant(): void {
    while (this.head < this.waiters.length && this.inFlight < this.limit) {
      this.inFlight++;
      this.waiters[this.head++]!();
    }
    // Compact now and then: the queue of part copies can be thousands long.
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}
