import type { z } from 'zod';
import { configSchema } from './schema.js';

interface ZodNodeDef {
  type: string;
  innerType?: ZodNode;
  shape?: Record<string, ZodNode>;
}
interface ZodNode {
  _zod: { def: ZodNodeDef };
}

function unwrap(node: ZodNode): ZodNode {
  let current = node;
  while (
    current._zod.def.innerType &&
    ['prefault', 'default', 'optional'].includes(current._zod.def.type)
  ) {
    current = current._zod.def.innerType;
  }
  return current;
}

function leafPaths(node: ZodNode, prefix: string[]): string[][] {
  const inner = unwrap(node);
  const shape = inner._zod.def.type === 'object' ? inner._zod.def.shape : undefined;
  if (!shape) return [prefix];
  return Object.entries(shape).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

/** Every settable key path of the schema, e.g. `cache.list_ttl` (derived, never listed by hand). */
export const CONFIG_KEYS: readonly string[] = leafPaths(
  configSchema as unknown as ZodNode & z.ZodType,
  [],
).map((p) => p.join('.'));

/** The environment variable for a key path: `cache.list_ttl` → `MODGATE_CACHE_LIST_TTL`. */
export function envNameFor(key: string): string {
  return 'MODGATE_' + key.toUpperCase().replace(/\./g, '_');
}
