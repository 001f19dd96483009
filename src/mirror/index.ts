/**
 * modgate warm / mirror: which module files the go command would fetch for a set of go.mod
 * files (`computeDownloadSet`), and fetching them.
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
