import { ModgateError } from '../../errors/index.js';
import type { ChecksumGate, FileToStore } from '../../service/checksum-gate.js';
import type { SumdbLog } from './sumdb-log.js';

/**
 * Once a module version is in modgate's own log its content is fixed: a `.mod` or `.zip`
 * taken from an upstream whose `h1:` differs from the logged one is refused (`checksum`, 502)
 * and not stored — a moved tag after the stored copy was lost, or a second replica fetching
 * what the first one logged. Versions not logged yet pass (the lookup that logs them runs
 * after they are stored).
 */
export class LoggedChecksumGate implements ChecksumGate {
  constructor(private readonly log: SumdbLog) {}

  async check(file: FileToStore): Promise<void> {
    const record = await this.log.find(file.modulePath, file.version);
    if (record === undefined) return;
    const suffix = file.file === 'mod' ? '/go.mod' : '';
    const prefix = `${file.modulePath} ${file.version}${suffix} `;
    const line = record.text
      .toString('utf8')
      .split('\n')
      .find((l) => l.startsWith(prefix));
    if (line === undefined) return;
    const logged = line.slice(prefix.length);
    if (logged !== file.hash) {
      const what = file.file === 'mod' ? 'go.mod' : 'zip';
      throw new ModgateError(
        'checksum',
        `checksum mismatch for ${file.modulePath}@${file.version}: ${what}: expected ${logged} (logged as record ${record.id} in checksum database ${this.log.name}), got ${file.hash}; refusing content that differs from what this proxy first served`,
      );
    }
  }
}
