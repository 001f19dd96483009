/**
 * modgate warm / mirror: which module files the go command would fetch for a set of go.mod
 * files (`computeDownloadSet`), and fetching them; bundles of verified module sets —
 * `exportBundle` writes one, `importBundle` verifies one whole before storing it, and
 * `verifyModuleSet` is the verification both (and `mirror sync`) use: module files against
 * checksum-database records, records against a signed tree head through tiles, the head
 * against the database key (docs/mirror.md).
 */
export {
  parseExcludeReplace,
  parseMainModule,
  versionKey,
  type MainModule,
  type ModuleVersion,
  type Replacement,
} from './main-module.js';
export { computeDownloadSet, type DownloadSet } from './download-set.js';
export { type GoModSource } from './go-mod-summaries.js';
export { collectWarmInputs, type WarmInput, type WarmInputKind } from './warm-inputs.js';
export {
  warm,
  type WarmFailure,
  type WarmOptions,
  type WarmProgress,
  type WarmReport,
} from './warm.js';
export { computeWorkspaceDownloadSet } from './workspace-download-set.js';
export { BundleError, type BundleCheck } from './bundle-error.js';
export {
  BUNDLE_FORMAT,
  MANIFEST_NAME,
  parseManifest,
  type BundleManifest,
  type BundleModule,
  type BundleEntry,
} from './bundle-manifest.js';
export { bundleLayout } from './bundle-layout.js';
export { spoolBundle, type SpooledBundle } from './bundle-reader.js';
export { writeBundle, type BundleSource } from './bundle-writer.js';
export {
  verifyModuleSet,
  verifyHead,
  type ModuleVersionFiles,
  type SumdbEvidence,
  type VerifiedModuleSet,
  type VerifiedRecord,
} from './verify-module-set.js';
export { mergeHeads, type MergedHead, type MergeHeadsInput } from './merge-heads.js';
export { importBundle, type ImportOptions, type ImportReport } from './import-bundle.js';
export {
  exportBundle,
  type ExportItem,
  type ExportOptions,
  type ExportReport,
} from './export-bundle.js';
export { type ExportSource } from './export-source.js';
export { ServerExportSource } from './server-export-source.js';
export { StorageExportSource } from './storage-export-source.js';
export {
  itemsFromGoFiles,
  itemsStoredSince,
  parseExportItem,
  parseExportList,
} from './export-selection.js';
export { syncFrom, type SyncOptions, type SyncReport } from './sync.js';
export { IndexFeedClient } from './index-feed-client.js';
