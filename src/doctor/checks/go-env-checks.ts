import type { Check } from '../check.js';
import { cacheDirsCheck } from './go-env/cache-dirs-check.js';
import { go111moduleCheck } from './go-env/go111module-check.js';
import { goVersionCheck } from './go-env/go-version-check.js';
import { goflagsCheck } from './go-env/goflags-check.js';
import { goproxyCheck } from './go-env/goproxy-check.js';
import { gosumdbCheck } from './go-env/gosumdb-check.js';
import { goworkCheck } from './go-env/gowork-check.js';
import { privatePatternsCheck } from './go-env/private-patterns-check.js';

/** The go-env layer's checks, in report order. */
export const goEnvChecks: readonly Check[] = [
  goVersionCheck,
  go111moduleCheck,
  goproxyCheck,
  gosumdbCheck,
  privatePatternsCheck,
  goflagsCheck,
  cacheDirsCheck,
  goworkCheck,
];
