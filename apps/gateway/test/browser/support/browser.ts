import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}

/** A page that records uncaught errors and console errors, so tests can assert "no crash". */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console.error lines seen so far. */
  errors: string[];
}

export async function openPage(
  browser: Browser,
  baseUrl: string,
  options: { width?: number; height?: number } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
  });
  // Every action and wait is bounded, so a stalled page fails with a Playwright error naming
  // the step instead of running into Jest's test timeout with no clue.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Failed requests the console handles on purpose (401, 404, refused sockets) log as errors
    // in Chromium itself; those are not crashes of the app.
    if (
      message.type() === 'error' &&
      !/Failed to load resource|WebSocket connection/.test(message.text())
    ) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return { context, page, errors };
}
