import { ModgateError } from '../../errors/index.js';
import { isValidRecordText } from '../tlog/index.js';

/** The records of a data tile: their texts and how many bytes of the tile they span. */
export interface DataTileRecords {
  readonly texts: Buffer[];
  readonly length: number;
}

function malformed(reason: string): ModgateError {
  return new ModgateError('invalid', `malformed data tile: ${reason}`);
}

/**
 * The first `count` record texts of a data tile whose first record is `firstId`. Two formats
 * exist (go-modules-spec §6.5): x/mod's server writes each record as `<id>\n<text>\n`
 * (FormatRecord), sum.golang.org writes `<text>\n`; either way records end at a blank line.
 * A go.sum line never consists of digits alone, so a digits-only first line is an id, and it
 * must be the record's own. Throws `invalid` when the tile holds fewer records or bad text.
 */
export function parseDataTile(data: Buffer, firstId: number, count: number): DataTileRecords {
  const texts: Buffer[] = [];
  let pos = 0;
  while (texts.length < count) {
    const end = data.indexOf('\n\n', pos);
    if (end < 0) throw malformed(`${texts.length} records, want ${count}`);
    let text = data.subarray(pos, end + 1);
    const nl = text.indexOf(0x0a);
    const first = text.subarray(0, nl).toString('latin1');
    if (/^[0-9]+$/.test(first)) {
      const id = firstId + texts.length;
      if (first !== String(id)) throw malformed(`record ${id} is labelled ${first}`);
      text = text.subarray(nl + 1);
    }
    if (!isValidRecordText(text)) throw malformed(`record ${firstId + texts.length}`);
    texts.push(text);
    pos = end + 2;
  }
  return { texts, length: pos };
}
