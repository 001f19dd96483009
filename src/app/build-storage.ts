import type { Config } from '../config/index.js';
import { DiskStorage, MemoryStorage, S3Storage, type Storage } from '../storage/index.js';

/** The storage backend of `storage.backend`, opened (no decorators: build-app adds those). */
export async function buildStorage(config: Config): Promise<Storage> {
  switch (config.storage.backend) {
    case 'memory':
      return new MemoryStorage();
    case 'disk':
      return DiskStorage.open(config.dataDir);
    case 's3':
      return new S3Storage(config.storage.s3);
  }
}
