import type { Config } from '../config/index.js';
import { DiskStorage, MemoryStorage, type Storage } from '../storage/index.js';

/** The storage backend of `storage.backend`, opened (no decorators: build-app adds those). */
export async function buildStorage(config: Config): Promise<Storage> {
  switch (config.storage.backend) {
    case 'memory':
      return new MemoryStorage();
    case 'disk':
      return DiskStorage.open(config.dataDir);
    case 's3': {
      // Loaded only here: the AWS SDK costs memory a disk or memory store never needs.
      // eslint-disable-next-line no-restricted-syntax -- app may import storage (a literal, layer-allowed target)
      const { S3Storage } = await import('../storage/s3/s3-storage.js');
      return new S3Storage(config.storage.s3);
    }
  }
}
