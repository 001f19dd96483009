/**
 * Parsers for the human units used in configuration: durations ("500ms", "30s", "5m", "1h")
 * and byte sizes ("512KiB", "16MiB", "1GiB", or a plain byte count). Both return null for
 * anything else so that the schema can report the key that was wrong.
 */
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(value: string): number | null {
  const m = DURATION.exec(value.trim());
  if (!m) return null;
  const [, amount = '', unit = ''] = m;
  const ms = Number(amount) * (DURATION_MS[unit] ?? NaN);
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

const SIZE = /^(\d+)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/;
const SIZE_BYTES: Record<string, number> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
};

export function parseSize(value: string): number | null {
  const m = SIZE.exec(value.trim());
  if (!m) return null;
  const [, amount = '', unit = 'B'] = m;
  const bytes = Number(amount) * (SIZE_BYTES[unit] ?? NaN);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** Formats a byte count the way it is best written in config (exact binary units). */
export function formatSize(bytes: number): string {
  for (const [unit, n] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return String(bytes);
}

/** Formats milliseconds as the largest exact unit. */
export function formatDuration(ms: number): string {
  for (const [unit, n] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= n && ms % n === 0) return `${ms / n}${unit}`;
  }
  return `${ms}ms`;
}
