import { checkStorageKey } from '../storage/index.js';
import { BundleError } from './bundle-error.js';

/** The format of a bundle's manifest; a reader refuses any other. */
export const BUNDLE_FORMAT = 'modgate-bundle/1';

/** The first entry of every bundle. */
export const MANIFEST_NAME = 'manifest.json';

/** One GOPROXY file kind of a module version. */
export type BundleFileKind = 'info' | 'mod' | 'zip';

/** A module version in a bundle and the files carried for it (`mod` always). */
export interface BundleModule {
  readonly path: string;
  readonly version: string;
  readonly files: readonly BundleFileKind[];
}

/** An entry of the bundle other than the manifest: its name (a storage key), size, SHA-256. */
export interface BundleEntry {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * The manifest (`manifest.json`, the first tar entry): what the bundle holds and the SHA-256
 * of every other entry. Entry names are storage keys (the GOPROXY URL layout), so an import
 * stores each entry under its name:
 *
 * - `<escaped path>/@v/<escaped version>.{info,mod,zip}` — the GOPROXY files;
 * - `sumdb/<name>/latest` — the signed tree head;
 * - `sumdb/<name>/lookup/<escaped path>@<escaped version>` — each version's record, as a
 *   lookup answer: `<id>\n<go.sum lines>\n\n` followed by the signed tree head;
 * - `sumdb/<name>/tile/8/<L>/<NNN>[.p/<W>]` — the hash tiles proving every record in the head.
 *
 * The hashes guard against damage in transit, not forgery (whoever edits an entry can edit
 * the manifest): forgery is caught by the checks against the database key.
 */
export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  /** When it was written (RFC 3339). */
  readonly created: string;
  readonly sumdb: {
    /** The checksum database's key name. */
    readonly name: string;
    /** Its verifier key as the exporter knew it (informative: the importer uses its own). */
    readonly key: string;
    /** The size of the signed tree head. */
    readonly treeSize: number;
  };
  readonly modules: readonly BundleModule[];
  readonly entries: readonly BundleEntry[];
}

function bad(reason: string): BundleError {
  return new BundleError(MANIFEST_NAME, 'manifest', reason, { kind: 'invalid' });
}

/** Parses and checks the shape of a manifest; throws BundleError (`manifest`). */
export function parseManifest(data: Buffer): BundleManifest {
  let m: unknown;
  try {
    m = JSON.parse(data.toString('utf8'));
  } catch {
    throw bad('not JSON');
  }
  if (typeof m !== 'object' || m === null) throw bad('not a JSON object');
  const o = m as Record<string, unknown>;
  if (o.format !== BUNDLE_FORMAT) {
    throw bad(`format ${JSON.stringify(o.format)}, this modgate reads ${BUNDLE_FORMAT}`);
  }
  const sumdb = o.sumdb as Record<string, unknown> | undefined;
  if (
    typeof sumdb !== 'object' ||
    sumdb === null ||
    typeof sumdb.name !== 'string' ||
    typeof sumdb.key !== 'string' ||
    !Number.isSafeInteger(sumdb.treeSize)
  ) {
    throw bad('sumdb must hold name, key and treeSize');
  }
  if (!Array.isArray(o.modules) || !Array.isArray(o.entries)) {
    throw bad('modules and entries must be lists');
  }
  const versions = new Set<string>();
  for (const mod of o.modules as unknown[]) {
    const x = mod as Record<string, unknown>;
    const mv = `${String(x.path)}@${String(x.version)}`;
    if (versions.has(mv)) throw bad(`module ${mv} listed twice`);
    versions.add(mv);
    const files = x.files;
    if (
      typeof x.path !== 'string' ||
      typeof x.version !== 'string' ||
      !Array.isArray(files) ||
      !files.includes('mod') ||
      files.some((f) => f !== 'info' && f !== 'mod' && f !== 'zip')
    ) {
      throw bad(`bad module ${JSON.stringify(mod)}`);
    }
  }
  const names = new Set<string>();
  for (const e of o.entries as unknown[]) {
    const x = e as Record<string, unknown>;
    if (
      typeof x.name !== 'string' ||
      !Number.isSafeInteger(x.size) ||
      (x.size as number) < 0 ||
      typeof x.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(x.sha256)
    ) {
      throw bad(`bad entry ${JSON.stringify(e)}`);
    }
    try {
      checkStorageKey(x.name);
    } catch (err) {
      throw bad(`entry name ${JSON.stringify(x.name)}: ${(err as Error).message}`);
    }
    if (names.has(x.name)) throw bad(`entry ${x.name} listed twice`);
    names.add(x.name);
  }
  if (typeof o.created !== 'string') throw bad('created must be a string');
  return m as BundleManifest;
}
