// Median and spread of a few runs, and the formatting of the report.

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median, as a percentage. */
  spreadPct: number;
  samples: number[];
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  return { median, min, max, spreadPct: median ? Math.round(((max - min) / median) * 1000) / 10 : 0, samples };
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
