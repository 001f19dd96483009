import type { Logger } from 'pino';
import type { StoreTimeLog } from '../service/store-time-log.js';
import { StoreTimeRecording } from '../service/store-time-recording.js';
import type { Storage } from '../storage/index.js';

/**
 * The storage every writer of module files uses (serve, `warm --data-dir`, `mirror sync`):
 * the log's own storage, with each zip stored for the first time recorded in the log (the
 * index feed's source). A record that cannot be written is logged, and the zip kept.
 */
export function recordStoreTimes(log: StoreTimeLog, logger: Logger): Storage {
  return new StoreTimeRecording(log.storage, log, (key, err) =>
    logger.warn(
      { key, err: err instanceof Error ? err.message : String(err) },
      'store time not recorded: the index feed misses this version',
    ),
  );
}
