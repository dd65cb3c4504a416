// One headless Chromium (Debian's /usr/bin/chromium via playwright-core) for the panel's browser tests:
// launch, sign in, collect failed API responses and console errors, keep screenshots in test-output/.
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Request, type Response } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { CSRF_COOKIE, CSRF_FIELD } from '../../src/surfaces/admin/auth/csrf.js';
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
  /**
   * For the test running now: if it fails, keep a screenshot (`<label>-failure.png`) and print where the page
   * was, the notices it showed and the trail.
   */
  reportFailure(label: string): void;
  signIn(baseUrl: string, email: string): Promise<void>;
  /**
   * Signs in as `email` for a test that opens a page of its own next: the session before it ended as in signIn,
   * then the login form's own request (its anti-forgery token, this origin), sent from the browser's cookies
   * without drawing the login page or the dashboard; the page is left blank. The browser's first sign-in on an
   * app goes through the form (signIn), which waits for the component bundle; the pages after it take the
   * bundle from the browser's cache. For the second and later sign-ins of a file, one a test.
   */
  signInForNextPage(baseUrl: string, email: string): Promise<void>;
  /** Another tab of the same browser (same cookies), with a trail of its own (as `trail` is the first tab's). */
  newTab(): Promise<{ page: Page; trail: string[] }>;
  close(): Promise<void>;
}

/** Signing in until the dashboard shows, the component bundle's first build included (a budget for a hang). */
const SIGNED_IN_BUDGET_MS = 240_000;

/**
 * How long the login form may take to show before the page is loaded again. Its first showing can wait for the
 * component bundle's build (tens of seconds on a busy machine); a page whose requests stall for this long is
 * stuck, and a person reloads it. The requests still on their way are printed, so a stall says which one.
 * (Twice in CI, 2026-12-05, the form never showed in 240 s with nothing on its way: the browser was still
 * signed in and the login page sent it on to the dashboard; signIn now ends the session first, see there.)
 */
const LOGIN_FORM_WAIT_MS = 90_000;

/**
 * How often a request of the request API (not the page's) is sent again when its pooled connection was reset
 * before the server read it (ECONNRESET, the only error Playwright retries): such a connection may have sat idle
 * past the server's keep-alive timeout since the API's last request. Only for requests safe to repeat.
 */
export const RESET_RETRIES = 2;

/** A phone (the invoice page's tests): 390x844 CSS pixels, 2x, touch. */
export const PHONE = { viewport: { width: 390, height: 844 }, mobile: true } as const;

export interface BrowserOptions {
  /** CSS pixels; a desktop panel (1400x1000) by default. */
  viewport?: { width: number; height: number };
  /** A phone: device scale 2, isMobile, touch. */
  mobile?: boolean;
}

/**
 * Where the tests' browser is: Pago Pago (UTC-11, no daylight saving), a day away from the test process's
 * Auckland (vitest.config.ts) and from every shop zone the tests use (UTC, New York, Auckland). A page that
 * used the browser's clock or zone for a shop's day or time (an export's default range, a list's date) shows
 * another day than the shop's there, at any hour the suite runs.
 */
export const BROWSER_TIME_ZONE = 'Pacific/Pago_Pago';

/** A request that left this machine (only the public font host's, which the resolver refuses). */
const isOutside = (url: string) => /^https?:\/\//.test(url) && !/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url);

/**
 * Starts a page's trail: its failed panel requests (status >= 400) and console errors. Also gives the page its
 * default budget: the first page load builds the component bundle, which on a busy 2-core machine can take a while.
 */
function watch(page: Page): string[] {
  const trail: string[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/admin/') && r.status() >= 400) trail.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (m) => {
    // Not the outside font host's failure (it is refused on purpose, above): only this machine's pages and scripts.
    if (m.type() === 'error' && !isOutside(m.location().url)) trail.push(`console: ${m.text().slice(0, 300)} (${m.location().url})`);
  });
  page.setDefaultTimeout(60_000);
  return trail;
}

/**
 * Follows the requests a page starts: `list` names those not yet finished (nor failed), with how long each has
 * been on its way; `stop` removes the listeners.
 */
function inFlight(page: Page): { list: () => string[]; stop: () => void } {
  const started = new Map<Request, number>();
  const start = (r: Request) => started.set(r, Date.now());
  const end = (r: Request) => started.delete(r);
  page.on('request', start);
  page.on('requestfinished', end);
  page.on('requestfailed', end);
  return {
    list: () => [...started].map(([r, at]) => `${r.method()} ${r.url()} (${Math.round((Date.now() - at) / 1000)} s)`),
    stop: () => {
      page.off('request', start);
      page.off('requestfinished', end);
      page.off('requestfailed', end);
    },
  };
}

/**
 * Opens the login page and waits until its form shows (AdminJS renders it in the browser, after the page's
 * four scripts). A page whose form has not shown after LOGIN_FORM_WAIT_MS is reported (its requests still on
 * their way) and loaded again, once; the second wait has the rest of the sign-in budget.
 */
async function showLoginForm(page: Page, url: string, signOut: () => Promise<void>): Promise<void> {
  const requests = inFlight(page);
  const stillOnTheirWay = () => requests.list().join(', ') || '(none)';
  const form = page.locator('input[name="email"]');
  try {
    await page.goto(url, { waitUntil: 'commit' });
    if (new URL(page.url()).pathname !== new URL(url).pathname) {
      // Sent on (to the dashboard): the browser still holds a signed-in session. Say so, end it and load again.
      console.warn(`[signIn] the login page sent the browser on to ${page.url()}: still signed in; signing out and loading it again`);
      await signOut();
      await page.goto(url, { waitUntil: 'commit' });
    }
    const shown = await form
      .waitFor({ state: 'visible', timeout: LOGIN_FORM_WAIT_MS })
      .then(() => true)
      .catch(() => false);
    if (shown) return;
    console.warn(
      `[signIn] the login form did not show in ${LOGIN_FORM_WAIT_MS / 1000} s; loading it again. Still on their way: ${stillOnTheirWay()}`,
    );
    await page.goto(url, { waitUntil: 'commit' });
    await form.waitFor({ state: 'visible', timeout: SIGNED_IN_BUDGET_MS - LOGIN_FORM_WAIT_MS }).catch((err: unknown) => {
      throw new Error(
        `the login form did not show after a reload either; still on their way: ${stillOnTheirWay()} (${String(err).slice(0, 200)})`,
      );
    });
  } finally {
    requests.stop();
  }
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
      // Offline machines: the pages ask a public font host for Roboto. Every name but this machine's fails at
      // once, in the resolver. Not with a Playwright route: routing switches off the browser's HTTP cache, and
      // every page load then downloaded and compiled the panel's 4 MB of script again, which a person's
      // browser revalidates (304) and runs from its code cache: twice the time per page in every browser test.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
    viewport: opts.viewport ?? { width: 1400, height: 1000 },
    timezoneId: BROWSER_TIME_ZONE,
    ...(opts.mobile ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const trail = watch(page);
  /** The apps (base URLs) this browser has signed in to through the login form, so has the bundle of. */
  const signedInByForm = new Set<string>();
  // One panel load: the page is left for a blank one first (its requests still on their way are cancelled),
  // the session signed in before is ended on the server (one request, no page), then the cookies go. Ending
  // it matters: the panel's session cookie is rolling, and an answer already on its way when the cookies
  // were cleared put the old session's cookie back twice in CI (2026-12-05): the login page then sent the
  // browser on to the dashboard, still signed in as the previous admin, and the form never showed.
  // The request has the sign-in budget, not the request API's 30 s: a file's first request to /admin loads AdminJS
  // (src/surfaces/admin/index.ts), which took longer than 30 s on a busy 2-core machine (two browser files failed
  // there, December 2026).
  // Its request is the first of the request API's since the last sign-in, often many seconds ago: the pooled
  // connection it reuses may be the one the server is closing as idle (Node's 5 s keep-alive timeout), which
  // Playwright reports as ECONNRESET (CI, 2026-12-07). A request the server never read is sent again, on a new
  // connection (Playwright retries ECONNRESET only); logging out twice ends the same session.
  const signOut = async (baseUrl: string) => {
    await page.goto('about:blank');
    await context.request.get(`${baseUrl}/admin/logout`, {
      maxRedirects: 0,
      failOnStatusCode: false,
      timeout: SIGNED_IN_BUDGET_MS,
      maxRetries: RESET_RETRIES,
    });
    await context.clearCookies();
  };
  const session: BrowserSession = {
    context,
    page,
    trail,
    out,
    async newTab() {
      const tab = await context.newPage();
      return { page: tab, trail: watch(tab) };
    },
    shot: async (name) => {
      await page.screenshot({ path: join(out, `${name}.png`), fullPage: true }).catch(() => undefined);
    },
    reportFailure(label) {
      onTestFailed(async () => {
        await page.screenshot({ path: join(out, `${label}-failure.png`), fullPage: true }).catch(() => undefined);
        const notices = await page
          .locator('[data-testid="notice-wrapper"]')
          .allTextContents()
          .catch(() => []);
        console.error(
          `[${outDir}] ${label} failed at ${page.url()}; notices: ${notices.join(' | ') || '(none)'}\n${trail.join('\n') || '(no failed requests)'}`,
        );
      });
    },
    async signIn(baseUrl, email) {
      // Page loads here wait only for the document ('commit'), not for its scripts: the first page of a test
      // file asks for the component bundle, which AdminJS builds on that request (tens of seconds when
      // several files build theirs at once on a busy machine; the login page's <head> waits for it too). The
      // waits that cover it have the sign-in budget: the form showing, the dashboard and its load event.
      await signOut(baseUrl);
      // As a quick person does: the form is filled and sent as soon as it shows, without waiting for the
      // page's load event (the scripts at the end of <body> may still be on their way).
      await showLoginForm(page, `${baseUrl}/admin/login`, () => signOut(baseUrl));
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', PASSWORD);
      const [posted] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/admin/login'),
        page.click('form button'),
      ]);
      if (posted.status() !== 303) {
        // Say why: the status and the message the login page shows (expired form, wrong password, throttled...).
        const message = await page
          .locator('form')
          .innerText({ timeout: 10_000 })
          .catch(() => '(no form)');
        throw new Error(`sign-in as ${email} was refused: ${posted.status()} ${message.replace(/\s+/g, ' ').slice(0, 300)}`);
      }
      await page.waitForURL(`${baseUrl}/admin`, { waitUntil: 'commit' });
      await page.waitForSelector('[data-testid="dashboard"], [data-css="sidebar"]', { state: 'attached', timeout: SIGNED_IN_BUDGET_MS });
      // The sidebar shows before the component bundle has arrived: the next page load must not be the one
      // that waits for its build.
      await page.waitForLoadState('load', { timeout: SIGNED_IN_BUDGET_MS });
      signedInByForm.add(baseUrl);
    },
    async signInForNextPage(baseUrl, email) {
      if (!signedInByForm.has(baseUrl)) return session.signIn(baseUrl, email);
      await signOut(baseUrl);
      // The login page's GET starts the pre-login session and sets the anti-forgery cookie, as for the form.
      const login = await context.request.get(`${baseUrl}/admin/login`, {
        failOnStatusCode: false,
        timeout: SIGNED_IN_BUDGET_MS,
        maxRetries: RESET_RETRIES,
      });
      if (login.status() !== 200) throw new Error(`the login page answered ${login.status()}`);
      const token = (await context.cookies(`${baseUrl}/admin/login`)).find((c) => c.name === CSRF_COOKIE)?.value ?? '';
      const posted = await context.request.post(`${baseUrl}/admin/login`, {
        form: { email, password: PASSWORD, [CSRF_FIELD]: token },
        headers: { Origin: baseUrl },
        maxRedirects: 0,
        failOnStatusCode: false,
        timeout: SIGNED_IN_BUDGET_MS,
      });
      if (posted.status() !== 303) {
        const text = (await posted.text()).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
        throw new Error(`sign-in as ${email} was refused: ${posted.status()} ${text.slice(0, 300)}`);
      }
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
  return session;
}

/** How long a pressed Save may take to send its request before it is pressed again (once). */
const SAVE_SENT_WITHIN_MS = 30_000;
/** How long the panel may take to answer a save once sent (a busy 2-core machine running other browser files). */
const SAVE_ANSWERED_WITHIN_MS = 180_000;

/**
 * Presses the form's Save and returns the panel's answer to the POST whose URL includes `urlPart` (the
 * record's `/records/<id>/edit`). A press that sent nothing within SAVE_SENT_WITHIN_MS is reported and pressed
 * again, once, as a person would (in CI, 2026-12-07, a save's answer never came in 60 s and the failure could
 * not say whether the press sent anything); a form whose Save never sends fails on the second press as on the
 * first. The answer has SAVE_ANSWERED_WITHIN_MS, and a timeout says whether the request had left.
 */
export async function pressSave(page: Page, urlPart: string): Promise<Response> {
  const isSave = (r: Request) => r.method() === 'POST' && r.url().includes(urlPart);
  const button = page.locator('[data-testid="button-save"]').first();
  // This call's own requests: an answer to an earlier call's (a second press's, late) is not this save's.
  const mine = new Set<Request>();
  let sentAt = 0;
  let markSent: () => void = () => undefined;
  const sentOnce = new Promise<true>((resolve) => (markSent = () => resolve(true)));
  const onRequest = (r: Request) => {
    if (!isSave(r)) return;
    mine.add(r);
    if (sentAt) return;
    sentAt = Date.now();
    markSent();
  };
  page.on('request', onRequest);
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = page.waitForResponse((r) => mine.has(r.request()), { timeout: SAVE_ANSWERED_WITHIN_MS });
    answer.catch(() => undefined); // awaited below; a click that throws first must not leave it unhandled
    await button.click();
    const sent = await Promise.race([
      sentOnce,
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), SAVE_SENT_WITHIN_MS))),
    ]);
    if (!sent) {
      const state = await button
        .evaluate((b) => `${(b as HTMLButtonElement).disabled ? 'disabled' : 'enabled'}, "${b.textContent ?? ''}"`)
        .catch((err: unknown) => `unreadable: ${String(err).slice(0, 100)}`);
      console.warn(`[pressSave] Save (${state}) sent nothing in ${SAVE_SENT_WITHIN_MS / 1000} s at ${page.url()}; pressing it again`);
      // Not when the first press's request left meanwhile (AdminJS greys Save out while a save is on its way, and
      // a save answered may leave the form): the answer to that one is awaited instead.
      if (!sentAt)
        await button.click({ timeout: 5_000 }).catch((err: unknown) => {
          console.warn(`[pressSave] the second press did not happen: ${String(err).slice(0, 200)}`);
        });
    }
    return await answer.catch((err: unknown) => {
      const left = sentAt ? `the request left ${Math.round((Date.now() - sentAt) / 1000)} s before` : 'no request left';
      throw new Error(`the save was not answered (${left}): ${String(err).slice(0, 200)}`);
    });
  } finally {
    clearTimeout(timer);
    page.off('request', onRequest);
  }
}
