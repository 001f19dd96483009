import type { Storage } from '../../storage/storage.js';
import type { SumdbCache } from './sumdb-cache.js';

/**
 * SumdbCache over the Storage seam: `lookup/...` and `tile/...` files under `sumdb/<name>/`.
 * The keys mirror the `/sumdb/<name>/...` URLs of a sumdb-proxying GOPROXY, in keeping with
 * the storage layout being the URL layout.
 */
export class StorageSumdbCache implements SumdbCache {
  private readonly prefix: string;

  constructor(
    private readonly storage: Storage,
    name: string,
  ) {
    this.prefix = `sumdb/${name}/`;
  }

  get(file: string): Promise<Buffer | null> {
    return this.storage.getBytes(this.prefix + file);
  }

  put(file: string, data: Buffer): Promise<void> {
    return this.storage.putBytes(this.prefix + file, data);
  }
}
