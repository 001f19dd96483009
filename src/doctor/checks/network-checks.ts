import type { Check } from '../check.js';

/** The network layer's checks, in report order. */
export const networkChecks: readonly Check[] = [];
