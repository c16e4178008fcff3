// The objects being copied right now. The dispatcher waits here for room, which is what holds the
// listing back (the bounded queue between lister and workers): at most `room()` objects in flight,
// and the lister is at most a page ahead of them.

export class ObjectPool {
  private readonly active = new Set<Promise<void>>();
  /** Whoever waits for room (the dispatcher: objects are started one by one). */
  private waiters: Array<() => void> = [];
  private failure: { error: unknown } | undefined;

  constructor(private readonly room: () => number) {}

  /** Starts a task once there is room; throws the first failure of any task instead. */
  async start(task: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    while (this.active.size >= this.room()) {
      // Woken by the next object to finish. Not Promise.race over the objects in flight: that hangs a
      // reaction on each of them per call, ~128 × objects in all, each one a microtask when it settles.
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      this.throwIfFailed();
    }
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        // The first failure stops the copy; later ones are usually its echoes (aborts).
        this.failure ??= { error };
      })
      .finally(() => {
        this.active.delete(running);
        const waiters = this.waiters;
        this.waiters = [];
        for (const wake of waiters) wake(); // each checks for room again
      });
    this.active.add(running);
  }

  /** Waits for every task; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
  }

  /** Waits for every task, whatever happened. */
  async settle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
