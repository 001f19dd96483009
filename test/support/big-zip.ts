import { createCipheriv, createHash } from 'node:crypto';
import yazl from 'yazl';

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
 * A module zip with its entries stored, not deflated (yazl `compress: false`): fast to build
 * however big, and exactly as big as its content.
 */
export async function makeStoredZip(
  path: string,
  version: string,
  files: Record<string, string | Buffer>,
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) {
    zip.addBuffer(
      Buffer.isBuffer(content) ? content : Buffer.from(content),
      `${path}@${version}/${name}`,
      { mtime: new Date(1980, 0, 1), compress: false },
    );
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A module zip of about `size` bytes: its go.mod (`module <path>`, as FixtureProxy writes the
 * `.mod`) and `big.bin`, seeded by path and version.
 */
export function bigModuleZip(path: string, version: string, size: number): Promise<Buffer> {
  return makeStoredZip(path, version, {
    'go.mod': `module ${path}\n`,
    'big.bin': seededBytes(size, `${path}@${version}`),
  });
}
