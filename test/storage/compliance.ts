import { describe, test } from 'node:test';
import type { Storage } from '../../src/storage/index.js';
import { basicsCompliance } from './compliance-basics.js';
import { concurrencyCompliance } from './compliance-concurrency.js';
import { keysCompliance } from './compliance-keys.js';
import { putFileCompliance } from './compliance-put-file.js';
import { putStreamCompliance } from './compliance-put-stream.js';
import { rangesCompliance } from './compliance-ranges.js';

/** A backend under test and how to throw it away. */
export interface StorageUnderTest {
  storage: Storage;
  cleanup: () => Promise<void>;
}

/** Registers one test that gets a fresh, empty storage and disposes of it afterwards. */
export type StorageTest = (title: string, body: (storage: Storage) => Promise<void>) => void;

/**
 * The Storage contract (src/storage/storage.ts) as tests. Every backend runs all of it:
 * `makeStorage` must return a fresh, empty storage each time.
 */
export function runStorageCompliance(
  name: string,
  makeStorage: () => Promise<StorageUnderTest>,
): void {
  const storageTest: StorageTest = (title, body) => {
    test(title, async () => {
      const { storage, cleanup } = await makeStorage();
      try {
        await body(storage);
      } finally {
        await storage.close();
        await cleanup();
      }
    });
  };
  describe(`${name}: storage compliance`, () => {
    describe('basics', () => basicsCompliance(storageTest));
    describe('putStream', () => putStreamCompliance(storageTest));
    describe('putFile', () => putFileCompliance(storageTest));
    describe('ranges', () => rangesCompliance(storageTest));
    describe('keys', () => keysCompliance(storageTest));
    describe('concurrency', () => concurrencyCompliance(storageTest));
  });
}
