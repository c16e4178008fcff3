// Requests that took more than one attempt, counted by service for the summary. A run that rode out
// throttling, 504s or a dropped connection succeeded, but it should say what it took: a domain that needed
// forty retries is a domain to look at before the next migration.

export class RetryTally {
  private readonly counts = new Map<string, number>();

  /** `retries` = attempts beyond the first (0 adds nothing). */
  add(service: string, retries: number): void {
    if (retries > 0) this.counts.set(service, (this.counts.get(service) ?? 0) + retries);
  }

  /** Attempts beyond the first as the AWS SDK reports them (`$metadata.attempts`), on a result or an error. */
  addSdk(service: string, result: unknown): void {
    const attempts = (result as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1;
    this.add(service, attempts - 1);
  }

  toRecord(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/** One per process: the action runs one migration per process, and every client reports here. */
export const retryTally = new RetryTally();

interface WithMiddleware {
  middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string }): void };
}

/**
 * Counts the retries of every request an AWS SDK client sends, under `service`. The SDK's retry strategy
 * records the attempts in `$metadata` of the result or the error; a re-send by the caller is its own request.
 */
export function countRetries<C extends WithMiddleware>(client: C, service: string, tally: RetryTally = retryTally): C {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<{ output: unknown }>) => async (args: unknown) => {
      try {
        const out = await next(args);
        tally.addSdk(service, out.output);
        return out;
      } catch (err) {
        tally.addSdk(service, err);
        throw err;
      }
    },
    { step: 'initialize', name: 'retryTally' },
  );
  return client;
}
