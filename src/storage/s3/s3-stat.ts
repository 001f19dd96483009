import type { StoredStat } from '../storage.js';

/** User metadata naming one write: each stored value's etag, so a rewrite of the same bytes changes it. */
export const WRITE_ID = 'modgate-write';

/** The whole object's size from `Content-Range: bytes a-b/total`, else the length sent. */
export function totalSize(contentRange: string | undefined, length: number | undefined): number {
  const total = contentRange?.match(/\/(\d+)$/)?.[1];
  return total !== undefined ? Number(total) : (length ?? 0);
}

export function toStat(
  size: number,
  answer: { LastModified?: Date; ETag?: string; Metadata?: Record<string, string> },
): StoredStat {
  const writeId = answer.Metadata?.[WRITE_ID];
  const modified = answer.LastModified ?? new Date(0);
  // An object modgate did not write: S3's ETag with the time, which changes on a rewrite.
  const etag =
    writeId !== undefined
      ? `"${writeId}"`
      : `"${(answer.ETag ?? '').replace(/"/g, '')}-${modified.getTime().toString(16)}"`;
  return { size, modified, etag };
}
