// One headless Chromium (Debian's /usr/bin/chromium via playwright-core) for the panel's browser tests:
// launch, sign in, collect failed API responses and console errors, keep screenshots in test-output/.
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PASSWORD } from './admin-helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Browser tests run where Chromium exists, and always under CI=true (where a missing Chromium fails them). */
export const runBrowserTests = existsSync(CHROMIUM) || process.env.CI === 'true';

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Failed panel requests (status >= 400) and console errors since the last reset. */
  trail: string[];
  out: string;
  shot(name: string): Promise<void>;
  signIn(baseUrl: string, email: string): Promise<void>;
  close(): Promise<void>;
}

/** A phone (the invoice page's tests): 390x844 CSS pixels, 2x, touch. */
export const PHONE = { viewport: { width: 390, height: 844 }, mobile: true } as const;

export interface BrowserOptions {
  /** CSS pixels; a desktop panel (1400x1000) by default. */
  viewport?: { width: number; height: number };
  /** A phone: device scale 2, isMobile, touch. */
  mobile?: boolean;
}

/** The one way tests launch Chromium (panel and invoice page alike). */
export async function openBrowser(outDir: string, opts: BrowserOptions = {}): Promise<BrowserSession> {
  const out = join(process.cwd(), 'test-output', outDir);
  mkdirSync(out, { recursive: true });
  const profile = await mkdtemp(join(tmpdir(), 'ledgerline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: opts.viewport ?? { width: 1400, height: 1000 },
    ...(opts.mobile ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
  });
  // Offline machines: the pages ask a public font host for Roboto; answer locally instead of waiting.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  const page = context.pages()[0] ?? (await context.newPage());
  const trail: string[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/admin/') && r.status() >= 400) trail.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') trail.push(`console: ${m.text().slice(0, 300)}`);
  });
  // The first page load builds the component bundle; on a busy 2-core machine that can take a while.
  page.setDefaultTimeout(60_000);
  return {
    context,
    page,
    trail,
    out,
    shot: async (name) => {
      await page.screenshot({ path: join(out, `${name}.png`), fullPage: true }).catch(() => undefined);
    },
    async signIn(baseUrl, email) {
      await page.goto(`${baseUrl}/admin/logout`);
      await context.clearCookies();
      await page.goto(`${baseUrl}/admin/login`);
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', PASSWORD);
      await Promise.all([page.waitForURL(`${baseUrl}/admin`), page.click('form button')]);
      await page.waitForSelector('[data-testid="dashboard"], [data-css="sidebar"]', { state: 'attached' });
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
