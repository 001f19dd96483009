import type { Check } from '../check.js';
import { goDownloadCheck } from './end-to-end/go-download-check.js';

/** The end-to-end layer's checks, in report order. */
export const endToEndChecks: readonly Check[] = [goDownloadCheck];
