import { constants } from 'node:fs';
import { copyFile, link } from 'node:fs/promises';
import { errnoCode } from './disk-error.js';

/**
 * Why a hard link could not be made where a copy still can: another file system (EXDEV), a
 * file system without hard links or a kernel that refuses one to a file of another owner
 * (EPERM, ENOTSUP/EOPNOTSUPP, ENOSYS), too many links already (EMLINK).
 */
const NO_LINK_CODES = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * Makes `to` (which must not exist) name the content of the local file `from`: a second hard
 * link to the same inode when the file system allows it — no byte is read or written, so
 * committing a spooled 100 MB zip costs a few metadata operations — and a copy otherwise
 * (`copyFile`, which the kernel does itself: copy_file_range, or a reflink where the file
 * system has them). Returns how it was done. `from` itself is never modified or removed.
 */
export async function linkOrCopy(from: string, to: string): Promise<'link' | 'copy'> {
  try {
    await link(from, to);
    return 'link';
  } catch (err) {
    const code = errnoCode(err);
    if (code === undefined || !NO_LINK_CODES.has(code)) throw err;
  }
  await copyFile(from, to, constants.COPYFILE_EXCL);
  return 'copy';
}
