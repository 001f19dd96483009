import type { Check } from '../check.js';

/** The module layer's checks, in report order. */
export const moduleChecks: readonly Check[] = [];
