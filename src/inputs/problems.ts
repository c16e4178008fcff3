// How input problems are collected and reported: every problem found, not the first one, so a user fixes
// the whole list in one push.

/** Every input problem found, one line each: `<input>: <what is wrong> — <what to write>`. */
export class InputError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    const head = problems.length === 1 ? '1 input needs fixing' : `${problems.length} inputs need fixing`;
    super(`${head} (nothing was touched):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InputError';
    this.problems = problems;
  }
}

export class Problems {
  private readonly seen = new Set<string>();
  add(input: string, wrong: string, fix: string): void {
    this.seen.add(`${input}: ${wrong} — ${fix}`);
  }
  get list(): string[] {
    return [...this.seen];
  }
}

/** Quote a user's value for a message, cut short so a pasted blob doesn't flood the log. */
export function q(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
}
