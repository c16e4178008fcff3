// The one place values are formatted for people (durations, sizes, counts, plurals, HTML escaping): the checks
// that word their findings and the report that renders the record both use it.
// Everything that came from outside (index names, endpoints, error text) passes through escapeHtml.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Escaped text for one table cell or inline element. Newlines become <br>: a blank line would end
 * GitHub's HTML block and let the rest of the table be read as markdown.
 */
export function inlineHtml(s: string): string {
  return escapeHtml(s).replace(/\r?\n/g, '<br>');
}

/** 850 ms, 12.3 s, 4 min 5 s, 2 h 3 min; '—' for a negative or unknown duration. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 3600) {
    const m = Math.floor(totalSeconds / 60);
    const s = totalSeconds % 60;
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A moment as UTC wall-clock time to the millisecond, e.g. 2026-11-25 15:38:16.123 UTC. */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** Binary units, like the S3 console: 512 B, 1.5 KiB, 45 MiB, 1.2 GiB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${BYTE_UNITS[unit]}`;
}

/** 1234567 → 1,234,567 (no locale lookup, so the summary reads the same on every runner). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Signed difference target − source: +5, -3, 0; '—' when either side is unknown. */
export function formatDifference(source: number | null, target: number | null): string {
  if (source === null || target === null) return '—';
  const d = target - source;
  return d > 0 ? `+${formatCount(d)}` : formatCount(d);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
