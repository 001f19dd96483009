import { createHash } from 'node:crypto';

/** Ref name → commit hash: `HEAD`, `refs/heads/*`, `refs/tags/*` (annotated tags peeled). */
export type GitRefs = ReadonlyMap<string, string>;

/**
 * Parses `git ls-remote` output as cmd/go's loadRefs does: keeps HEAD, branches and tags;
 * the peeled `refs/tags/X^{}` line of an annotated tag replaces the tag's own object, so
 * every tag maps to the commit it names.
 */
export function parseLsRemote(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of output.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 2) continue;
    const [hash, ref] = fields as [string, string];
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(hash)) continue;
    if (ref !== 'HEAD' && !ref.startsWith('refs/heads/') && !ref.startsWith('refs/tags/')) continue;
    if (ref.endsWith('^{}')) peeled.set(ref.slice(0, -3), hash);
    else refs.set(ref, hash);
  }
  for (const [ref, hash] of peeled) refs.set(ref, hash);
  return refs;
}

/**
 * A digest of a refs snapshot. After a complete fetch at digest D, another complete fetch is
 * pointless until the remote's refs differ from D (the long-running analogue of cmd/go's
 * per-process `fetchAll` level).
 */
export function refsDigest(refs: GitRefs): string {
  const h = createHash('sha256');
  for (const ref of [...refs.keys()].sort()) h.update(`${ref} ${refs.get(ref) ?? ''}\n`);
  return h.digest('hex');
}
