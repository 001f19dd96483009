import { errorKind } from '../errors/index.js';
import type { ModulePolicy } from '../policy/index.js';
import type { CatalogVersion } from './catalog.js';
import type { VersionSumdbView } from './dashboard-data.js';

/**
 * The checksum database record of a version, from the database that applies to it (app
 * decides: modgate's own database when it hosts one, else the database downloads are verified
 * against — for paths it may be asked about only: never a private path to a public database);
 * undefined when none applies. Throws the lookup's error (`not-found`: no record).
 */
export type SumdbRecordSource = (
  modulePath: string,
  version: string,
) => Promise<{ db: string; lines: string[] } | undefined>;

/**
 * How long a page waits for the database: a lookup not answered by then (an unreachable
 * database, a slow first fetch of tiles) is shown as not checked, and finishes behind.
 */
export const LOOKUP_BUDGET_MS = 1000;

/**
 * The record's lines and whether they match what is stored: the go.mod's hash (computed from
 * the stored go.mod) and the zip's (when the catalog learnt it: stored by this process,
 * published, or logged by the own database). Any difference is `verified: false`; no hash to
 * compare is `not-checked`.
 */
export async function versionSumdb(
  source: SumdbRecordSource | undefined,
  path: string,
  v: CatalogVersion,
  policy: Pick<ModulePolicy, 'private' | 'verify'>,
  budgetMs = LOOKUP_BUDGET_MS,
): Promise<VersionSumdbView> {
  if (source === undefined) {
    return { lines: [], verified: 'not-checked', note: 'no checksum database is configured' };
  }
  let record: { db: string; lines: string[] } | undefined;
  try {
    const lookup = source(path, v.version);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), budgetMs);
    });
    const first = await Promise.race([lookup, late]).finally(() => clearTimeout(timer));
    if (first === 'late') {
      lookup.catch(() => undefined); // it goes on, and its answer is cached for the next view
      return {
        lines: [],
        verified: 'not-checked',
        note: `the checksum database did not answer within ${budgetMs} ms; reload later`,
      };
    }
    record = first;
  } catch (err) {
    const note =
      errorKind(err) === 'not-found'
        ? 'the checksum database has no record of this version'
        : `the checksum database could not be asked: ${err instanceof Error ? err.message : String(err)}`;
    return { lines: [], verified: 'not-checked', note };
  }
  if (record === undefined) {
    const note = policy.private
      ? 'a private module: never sent to a public checksum database'
      : 'not verified: the module matches sumdb.no_verify';
    return { lines: [], verified: 'not-checked', note };
  }
  const zipLine = `${path} ${v.version} `;
  const modLine = `${path} ${v.version}/go.mod `;
  let matched = 0;
  let differs = false;
  for (const line of record.lines) {
    const known = line.startsWith(modLine)
      ? v.goModH1
      : line.startsWith(zipLine)
        ? v.h1
        : undefined;
    if (known === undefined) continue;
    if (line.endsWith(` ${known}`)) matched++;
    else differs = true;
  }
  const base = { db: record.db, lines: record.lines };
  if (differs)
    return { ...base, verified: false, note: 'the stored content differs from the record' };
  if (matched === 0) {
    return { ...base, verified: 'not-checked', note: 'no stored hash is known here to compare' };
  }
  return {
    ...base,
    verified: true,
    ...(v.h1 === undefined ? { note: 'go.mod verified; the zip was verified when stored' } : {}),
  };
}
