import type { UiTranslate } from './ui-messages.js';

/** Byte counts for people: binary units, three significant digits (`1.46 MiB`). */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 ? String(value) : value.toPrecision(3).replace(/\.?0+$/, '');
  return `${shown} ${units[unit] ?? 'B'}`;
}

/** An RFC 3339 time as `2026-12-06 22:13:10 UTC` (the same in every language). */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m === null ? iso : `${m[1] ?? ''} ${m[2] ?? ''} UTC`;
}

/** A duration in the reader's language, two largest units (`3 d 4 h`, `3 天 4 小时`). */
export function formatDuration(ms: number, t: UiTranslate): string {
  if (ms < 1000) return t('unit.ms', { n: Math.round(ms) });
  const parts: [number, 'unit.day' | 'unit.hour' | 'unit.minute' | 'unit.second'][] = [
    [Math.floor(ms / 86_400_000), 'unit.day'],
    [Math.floor(ms / 3_600_000) % 24, 'unit.hour'],
    [Math.floor(ms / 60_000) % 60, 'unit.minute'],
    [Math.floor(ms / 1000) % 60, 'unit.second'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, key]) => t(key, { n }))
    .join(' ');
}

/** A ratio 0..1 as a percentage with one decimal (`93.5 %`). */
export function formatRatio(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

/** Milliseconds of latency (`12.3 ms`); empty when unknown. */
export function formatMs(ms: number | undefined, t: UiTranslate): string {
  if (ms === undefined) return '';
  return t('unit.ms', { n: ms < 10 ? ms.toFixed(1) : Math.round(ms) });
}
