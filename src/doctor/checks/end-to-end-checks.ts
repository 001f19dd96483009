import type { Check } from '../check.js';

/** The end-to-end layer's checks, in report order. */
export const endToEndChecks: readonly Check[] = [];
