import type { Check } from '../check.js';
import { goSumCheck } from './module/go-sum-check.js';
import { moduleFilesCheck } from './module/module-files-check.js';
import { pathCaseCheck } from './module/path-case-check.js';
import { privatePathsCheck } from './module/private-paths-check.js';
import { proxyBypassCheck } from './module/proxy-bypass-check.js';
import { replaceDirsCheck } from './module/replace-dirs-check.js';

/** The module layer's checks, in report order. */
export const moduleChecks: readonly Check[] = [
  moduleFilesCheck,
  privatePathsCheck,
  proxyBypassCheck,
  pathCaseCheck,
  replaceDirsCheck,
  goSumCheck,
];
