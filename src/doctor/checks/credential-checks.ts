import type { Check } from '../check.js';

/** The credential layer's checks, in report order. */
export const credentialChecks: readonly Check[] = [];
