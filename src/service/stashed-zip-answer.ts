import { IMMUTABLE_MAX_AGE, type Answer } from './answer.js';
import type { StashedZip } from './stash.js';

/**
 * The answer to a zip request that the stash is downloading (a miss): a small zip's verified
 * bytes, or a stream of the spooled download as soon as it can start — for HEAD, once the
 * download is committed (its size is then known). A spooled download that fails after its
 * response started cuts the client's connection: it sees a truncated zip, never bad content
 * (see ZipDownload).
 */
export async function missAnswer(
  stashed: Exclude<StashedZip, { stored: true }>,
  head: boolean,
): Promise<Answer> {
  const miss = { status: 200, kind: 'zip', cache: 'miss', maxAge: IMMUTABLE_MAX_AGE } as const;
  if (stashed.body !== undefined) {
    const body = stashed.body;
    return { ...miss, immutable: true, body: head ? undefined : body, size: body.length };
  }
  const { download, reader } = stashed;
  try {
    if (head) await download.finished;
    else await download.ready();
  } catch (err) {
    reader.destroy();
    throw err;
  }
  if (head) reader.destroy();
  return { ...miss, immutable: true, stream: head ? undefined : reader, size: download.size };
}
