import { createCipheriv, createHash } from 'node:crypto';
import { makeZip } from './fixture-proxy.js';

/**
 * `length` bytes that look random (so a zip of them is as big on the wire as they are) and are
 * the same for the same seed in every run: AES-256-CTR over zeros, keyed by the seed's hash.
 */
export function seededBytes(length: number, seed: string): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}

/**
 * A module zip of about `size` bytes: its go.mod (`module <path>`, as FixtureProxy writes the
 * `.mod`) and `big.bin`, seeded by path and version.
 */
export function bigModuleZip(path: string, version: string, size: number): Promise<Buffer> {
  return makeZip(
    path,
    version,
    { 'go.mod': `module ${path}\n`, 'big.bin': seededBytes(size, `${path}@${version}`) },
    { compress: false },
  );
}
