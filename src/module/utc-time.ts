/**
 * The UTC instant of a calendar date and time, with Go's strictness: month 1–12, a day that
 * exists in that month (no February 30th rolled over to March), hour < 24, minute and second
 * < 60; undefined otherwise. Years 0–99 are those years (Date.UTC would take them as 1900–1999).
 */
export function utcTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, 0);
  return t.getUTCDate() === day ? t : undefined;
}
