import type { Check } from '../check.js';
import { clientConfigCheck } from './server/client-config-check.js';

/** The server layer's checks (agreement with the company's modgate), in report order. */
export const serverChecks: readonly Check[] = [clientConfigCheck];
