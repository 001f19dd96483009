import { MemoryStorage } from '../../src/storage/index.js';
import { runStorageCompliance } from './compliance.js';

runStorageCompliance('MemoryStorage', () =>
  Promise.resolve({ storage: new MemoryStorage(), cleanup: () => Promise.resolve() }),
);
