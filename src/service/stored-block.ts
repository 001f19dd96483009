import { ModgateError } from '../errors/index.js';
import type { DenyRuleInput } from '../policy/index.js';

/** What an admin asks to block: a `deny` rule as configured. */
export type BlockInput = DenyRuleInput;

/**
 * A block added at run time (issue 15), as stored at `-/blocks/<id>.json` and as the admin API
 * shows it: the rule, its id, who added it (user name, `anonymous` without authentication)
 * and when (RFC 3339, UTC).
 */
export interface StoredBlock {
  readonly id: string;
  readonly module: string;
  readonly versions: string;
  readonly reason: string;
  readonly who: string;
  readonly when: string;
}

/**
 * Where blocks are stored. No module path starts with `-` (x/mod module.CheckPath: "leading
 * dash in first path element"), so no module key is ever under it.
 */
export const BLOCKS_PREFIX = '-/blocks/';

export function blockKey(id: string): string {
  return `${BLOCKS_PREFIX}${id}.json`;
}

/** Oldest first (ids are time-ordered within a time too). */
export function compareBlocks(a: StoredBlock, b: StoredBlock): number {
  return a.when < b.when ? -1 : a.when > b.when ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Parses a stored block; throws `invalid` for anything but the stored shape with this id. */
export function parseStoredBlock(data: Buffer, id: string): StoredBlock {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    throw new ModgateError('invalid', 'not JSON');
  }
  const o = value as Record<string, unknown>;
  const fields = ['id', 'module', 'versions', 'reason', 'who', 'when'] as const;
  if (typeof value !== 'object' || value === null || fields.some((f) => typeof o[f] !== 'string')) {
    throw new ModgateError('invalid', `want a JSON object of strings ${fields.join(', ')}`);
  }
  if (o.id !== id) throw new ModgateError('invalid', `its id is not ${JSON.stringify(id)}`);
  const s = (f: (typeof fields)[number]) => o[f] as string;
  return Object.freeze({
    id,
    module: s('module'),
    versions: s('versions'),
    reason: s('reason'),
    who: s('who'),
    when: s('when'),
  });
}
