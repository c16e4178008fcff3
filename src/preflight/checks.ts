// The preflight's rows: every check adds one (check, result, what was found, what to do when it fails).
// A check never throws: an unexpected error becomes its failed row, so one broken check cannot hide the
// others, and a plan shows everything that needs fixing in one run.
import type { CheckRecord, CheckResult } from '../record.js';
import { DomainError } from '../search/domain.js';

export class Checks {
  /** `rows` may be an array the caller already holds: it then sees each row as soon as it is added. */
  constructor(readonly rows: CheckRecord[] = []) {}

  add(id: string, check: string, result: CheckResult, found: string, fix?: string): CheckRecord {
    const row: CheckRecord = { id, check, result, found, ...(fix ? { fix } : {}) };
    this.rows.push(row);
    return row;
  }
  pass(id: string, check: string, found: string): void {
    this.add(id, check, 'pass', found);
  }
  warn(id: string, check: string, found: string, fix: string): void {
    this.add(id, check, 'warn', found, fix);
  }
  fail(id: string, check: string, found: string, fix: string): void {
    this.add(id, check, 'fail', found, fix);
  }
  skip(id: string, check: string, found: string): void {
    this.add(id, check, 'skip', found);
  }

  get failed(): CheckRecord[] {
    return this.rows.filter((r) => r.result === 'fail');
  }

  /** Runs a check; if it throws, records the error as its failed row. */
  async guard(
    id: string,
    check: string,
    fn: () => Promise<void>,
    fix = 'See the error; run again once it is fixed.',
  ): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.fail(id, check, errorText(err), fix);
    }
  }
}

export function errorText(err: unknown): string {
  if (err instanceof DomainError) return err.message;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return `${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(err)}${status ? ` (HTTP ${status})` : ''}`;
}

/** The AWS SDK's error name (AccessDenied, NoSuchEntity, NotFound...). */
export const awsErrorName = (err: unknown): string =>
  String((err as { name?: string; Code?: string })?.name ?? (err as { Code?: string })?.Code ?? '');
export const awsStatus = (err: unknown): number | undefined =>
  (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
