// Storage: where modgate keeps what it serves.
//
// Keys are paths in the GOPROXY URL space (Go Modules Reference, "GOPROXY protocol":
// https://go.dev/ref/mod#goproxy-protocol): `<escaped module path>/@v/list`,
// `<escaped module path>/@v/<escaped version>.{info,mod,zip}`, `<escaped module path>/@latest`,
// with module paths and versions `!`-escaped (upper-case letters as `!` + lower case), so
// keys are the same on case-insensitive file systems. Because the stored layout *is* the URL
// layout, a disk data directory can be served by nginx or used as `GOPROXY=file://<dataDir>`
// as it is, like the go command's own module cache (`$GOMODCACHE/cache/download`).
//
// The contract every backend keeps (test/storage/compliance.ts checks it):
// - a missing key reads as `null`, never as an error;
// - writes are atomic: readers see the old value, the whole new one, or nothing; a failed,
//   aborted or crashed write leaves no trace; `putStream` stores exactly the declared size;
// - keys are clean relative slash paths whose elements never start with `.` (storage-key.ts):
//   anything else is refused as `invalid` before it touches the backend, which also keeps
//   a backend's own dot-directories (`.staging/`, `.spool/`) out of the URL space;
// - every other failure is a ModgateError (`internal`, or `unavailable` when the backend
//   cannot serve right now) whose message names the operation and the key.
export type { ByteRange, PutOptions, Storage, StoredStat } from './storage.js';
export {
  MAX_KEY_BYTES,
  MAX_KEY_ELEMENT_BYTES,
  checkStorageKey,
  checkStoragePrefix,
  compareStorageKeys,
  isStorageKey,
  storageKeyProblem,
} from './storage-key.js';
export { resolveRange } from './resolve-range.js';
export { MemoryStorage } from './memory/memory-storage.js';
export { DiskStorage } from './disk/disk-storage.js';
// S3Storage is imported from './s3/s3-storage.js' by whoever opens one: it loads the AWS SDK
// (~8 MB of memory), which a process on disk or memory storage never needs.
export type { S3StorageOptions } from './s3/s3-storage.js';
