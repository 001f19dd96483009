import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * A real browser for the dashboard's tests (issue 15): Debian's chromium (`apt-get install
 * chromium`; `node scripts/setup.mjs --test` installs it) driven by playwright-core through its
 * executable path. playwright-core never downloads a browser; nothing here reaches the
 * internet. Tests call `Chromium.launch()` and skip with `CHROMIUM_MISSING` when it answers
 * undefined (no chromium on this machine), and always `close()` it.
 */
export const CHROMIUM_PATH = process.env.MODGATE_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Why a browser test is skipped, when it is. */
export const CHROMIUM_MISSING = `no chromium at ${CHROMIUM_PATH}: install Debian's chromium (node scripts/setup.mjs --test does) to run the dashboard's browser tests`;

/** How long launching, navigating or waiting for one thing may take (a loaded 2-core machine). */
export const BROWSER_TIMEOUT_MS = 60_000;

// Compiled to dist/test/support/: the repository root is three levels up.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where screenshots go: kept as artefacts of the run, never compared pixel by pixel. */
export const SCREENSHOT_DIR = join(ROOT, 'test-artifacts', 'screenshots');

export interface ContextOptions {
  /** Basic credentials the browser answers a 401 challenge with (as a user at its prompt). */
  credentials?: { username: string; password: string };
  /** The Accept-Language the browser sends (`en-US`, `zh-CN`). */
  locale?: string;
}

export class Chromium {
  private constructor(readonly browser: Browser) {}

  /** Headless chromium, or undefined when it is not installed (the caller skips). */
  static async launch(): Promise<Chromium | undefined> {
    if (!existsSync(CHROMIUM_PATH)) return undefined;
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      timeout: BROWSER_TIMEOUT_MS,
      // Tests run as root in containers, where chromium's sandbox cannot start; /dev/shm may
      // be small there too.
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    return new Chromium(browser);
  }

  /** A fresh browser profile (own cookies), with bounded timeouts on everything it does. */
  async context(options: ContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext({
      httpCredentials: options.credentials,
      locale: options.locale ?? 'en-US',
      viewport: { width: 1200, height: 900 },
    });
    context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(BROWSER_TIMEOUT_MS);
    return context;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9_-]/g, '_')}.png`);
  await mkdir(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
