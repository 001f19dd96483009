import type { Check } from '../check.js';

/** The go-env layer's checks, in report order. */
export const goEnvChecks: readonly Check[] = [];
