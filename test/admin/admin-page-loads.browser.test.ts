// 150 page loads of the panel's main pages (dashboard; list, show and edit of orders and products; shop
// settings) in one Chromium context (three tabs taking turns), with zero failed loads: no API response >= 400,
// no error banner ("There was an error fetching records", "Page not found"), and every page shows its data.
// The anti-forgery script is made slow to arrive (a proxy in front of the app delays its answers, as a busy
// machine or a slow network does): the panel's first API calls must not depend on it arriving first (see
// src/surfaces/admin/auth/csrf-page.ts), nor may the login form, sent before it arrives. And a script of the
// login page answered after the sign-in must not put the pre-login session back (the last test).
// The delay is the proxy's, not a Playwright route: routing switches off Chromium's HTTP cache, and the pages
// would then download and compile the panel's scripts on every load, which no person's browser does.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { PASSWORD, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

const LOADS = 150;
/** Tabs loading at once (one browser, one session). */
const TABS = 3;
const SLOW_ASSET_MS = 400;
/** While signing in: longer than the login form takes to show on a busy machine. */
const SIGN_IN_SLOW_ASSET_MS = 15_000;
const BANNERS = ['There was an error fetching records', 'Page not found', 'Missing or invalid CSRF token'];

const CSRF_SCRIPT = '/admin/frontend/assets/ledgerline-csrf.js';

describe.skipIf(!runBrowserTests)('the panel loads every time', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  const pages: { url: string; ready: string }[] = [];
  let proxy: Server;
  /** The proxy's address: the browser's only way to the app. */
  let base = '';
  /** How long the proxy holds every answer to the anti-forgery script (SLOW_ASSET_MS once the login form is sent). */
  let csrfDelayMs = SIGN_IN_SLOW_ASSET_MS;
  /** Requests for the anti-forgery script that reached the proxy (so were slow), cached or not. */
  let csrfAsked = 0;
  /** The last test's gate: the first answer to a request with `?held` waits for releaseHeld(). */
  let releaseHeld: () => void = () => undefined;
  let held: Promise<void> | undefined;
  /** The Set-Cookie header of the held answer, as the app sent it. */
  let heldSetCookie: string[] | undefined;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-page-loads');
    // Passes everything through (Host unchanged, so the app sees the proxy's origin as its own); answers to the
    // anti-forgery script come csrfDelayMs late, and the first to a request with `?held` waits for releaseHeld().
    const upstream = new URL(app.baseUrl);
    proxy = createServer((req, res) => {
      const script = req.url?.startsWith(CSRF_SCRIPT) ?? false;
      // The login form is sent: the script its page asked for stays held for the rest of its (sign-in) delay;
      // the pages after it get the loads' delay (the dashboard's load event, which signIn waits for, included).
      if (req.method === 'POST' && req.url === '/admin/login') csrfDelayMs = SLOW_ASSET_MS;
      const hold = script && req.url!.startsWith(`${CSRF_SCRIPT}?held`) && !held;
      if (hold) held = new Promise<void>((resolve) => (releaseHeld = resolve));
      if (script) csrfAsked++;
      const gate = hold ? held! : script ? new Promise((resolve) => setTimeout(resolve, csrfDelayMs)) : Promise.resolve();
      const up = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          if (hold) heldSetCookie = answer.headers['set-cookie'] ?? [];
          void gate.then(() => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          });
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const f = factories();
    const tenant = await f.tenant();
    const owner = await f.adminUser({ tenantId: tenant.id });
    const customer = await f.customer({ tenantId: tenant.id, displayName: 'Load Tester' });
    const product = await f.product({ tenantId: tenant.id, name: 'Loaded Hoodie', requiredRoleIds: ['123456789012345678'] });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    const r = (path: string) => `${base}/admin${path}`;
    pages.push(
      { url: r(''), ready: '[data-testid="dashboard"]' },
      { url: r('/resources/Order'), ready: 'table tbody tr' },
      { url: r(`/resources/Order/records/${order.id}/show`), ready: '[data-testid="order-detail"]' },
      { url: r(`/resources/Order/records/${order.id}/edit`), ready: '[data-testid="button-save"]' },
      { url: r('/resources/Product'), ready: 'table tbody tr' },
      { url: r(`/resources/Product/records/${product.id}/show`), ready: 'text=Loaded Hoodie' },
      { url: r(`/resources/Product/records/${product.id}/edit`), ready: '[data-testid="button-save"]' },
      { url: r(`/resources/Tenant/records/${tenant.id}/show`), ready: `text=${tenant.name}` },
      { url: r(`/resources/Tenant/records/${tenant.id}/edit`), ready: '[data-testid="button-save"]' },
      { url: r('/resources/Customer'), ready: 'table tbody tr' },
    );
    // Signed in while the script is far from arriving: the form shows and is sent long before it (signIn
    // does not wait for the page's load event), so its token must already be in the page.
    await browser.signIn(base, owner.email);
  }, 360_000);

  afterAll(async () => {
    releaseHeld();
    await browser?.close();
    proxy?.closeAllConnections();
    await new Promise((resolve) => proxy?.close(resolve));
    await app?.close();
  });

  it(`${LOADS} loads of the main pages, none failed`, async () => {
    const failures: string[] = [];
    const askedBefore = csrfAsked;
    // TABS tabs of the one signed-in browser take turns through the list (load i in tab i % TABS), each load
    // waiting for its page as before: a person with the panel open in a few tabs. While one tab waits for the
    // slow script, the others load.
    const tabs = [{ page: browser.page, trail: browser.trail }];
    while (tabs.length < TABS) tabs.push(await browser.newTab());
    let next = 0;
    const loadIn = async ({ page, trail }: (typeof tabs)[number]) => {
      for (let i = next++; i < LOADS && failures.length < 5; i = next++) {
        const target = pages[i % pages.length]!;
        trail.length = 0;
        // The slow script's answer, awaited once the data shows: the next load of this tab must not cancel it
        // before it reached the proxy (with three tabs loading, it may wait for one of the browser's six connections).
        const scriptArrived = page
          .waitForResponse((r) => r.url().includes(CSRF_SCRIPT), { timeout: 45_000 })
          .then(
            () => true,
            () => false,
          );
        // Not waiting for the load event: it waits for the (deliberately slow) script at the end of <body>.
        await page.goto(target.url, { waitUntil: 'commit' });
        const ready = await page.waitForSelector(target.ready, { timeout: 45_000 }).then(
          () => true,
          () => false,
        );
        const asked = await scriptArrived;
        const body = (await page.textContent('body')) ?? '';
        const banner = BANNERS.find((b) => body.includes(b));
        const failed = trail.filter((t) => !t.startsWith('console:'));
        if (!ready || !asked || banner || failed.length) {
          failures.push(
            `load ${i + 1} ${target.url}: ${!ready ? 'never showed its data; ' : ''}${!asked ? 'its anti-forgery script never came; ' : ''}${banner ? `banner "${banner}"; ` : ''}${failed.join(', ')}`,
          );
          await page.screenshot({ path: join(browser.out, `failure-${failures.length}.png`), fullPage: true }).catch(() => undefined);
        }
      }
    };
    await Promise.all(tabs.map(loadIn));
    expect(failures).toEqual([]);
    // Every load asked for the script (the browser revalidates it: no-cache), so every load ran with it slow.
    expect(csrfAsked - askedBefore, 'loads that asked for the slow script').toBeGreaterThanOrEqual(LOADS);
    await Promise.all(tabs.slice(1).map((t) => t.page.close()));
  }, 1_800_000);

  // A script of the login page that answers after the sign-in must not sign the admin out. The session cookie
  // is rolling (re-sent with every answer), and a static asset asked for with the pre-login session used to
  // carry that session's cookie back: arriving after the sign-in's 303, it replaced the new session in the
  // browser, and the admin landed on the login page again (or, in the other order, the form was refused as
  // expired). Here a second tab still loading the login page is that late answer: a proxy in front of the app
  // holds its script's answer until the first tab has signed in.
  describe('a late answer from the login page', () => {
    let second: BrowserSession;

    beforeAll(async () => {
      second = await openBrowser('admin-sign-in-late-answer');
    }, 60_000);

    afterAll(async () => {
      releaseHeld();
      await second?.close();
    });

    it('leaves the admin signed in, and its answer carries no cookie', async () => {
      const f = factories();
      const owner = await f.adminUser({ tenantId: (await f.tenant()).id });
      const { context, page } = second;

      // Tab 1 opens the login page (a pre-login session) and asks for a script whose answer is held.
      const tab = await context.newPage();
      await tab.goto(`${base}/admin/login`);
      const late = tab.evaluate(
        (url) =>
          new Promise<{ status: number }>((resolve) => {
            const el = document.createElement('script');
            el.src = url;
            el.onload = () => resolve({ status: 200 });
            el.onerror = () => resolve({ status: 0 });
            document.head.appendChild(el);
          }),
        `${CSRF_SCRIPT}?held=1`,
      );
      await expect.poll(() => held !== undefined).toBe(true);
      const preLogin = (await context.cookies()).find((c) => c.name === 'ledgerline_admin')?.value;

      // Tab 2 signs in (the same browser, so the same pre-login session, now replaced by a signed-in one).
      await page.goto(`${base}/admin/login`);
      await page.fill('input[name="email"]', owner.email);
      await page.fill('input[name="password"]', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/admin`), page.click('form button')]);
      const signedIn = (await context.cookies()).find((c) => c.name === 'ledgerline_admin')?.value;
      expect(signedIn).not.toBe(preLogin);
      // The dashboard's own requests done: their answers carry the (new) session cookie too.
      await page.waitForSelector('[data-testid="dashboard"]');
      await page.waitForLoadState('networkidle');

      // The script's answer arrives now.
      releaseHeld();
      expect(await late).toEqual({ status: 200 });
      expect((await context.cookies()).find((c) => c.name === 'ledgerline_admin')?.value).toBe(signedIn);
      await page.goto(`${base}/admin`);
      await page.waitForSelector('[data-testid="dashboard"]');
      expect(new URL(page.url()).pathname).toBe('/admin');
      expect(heldSetCookie).toEqual([]);
    }, 360_000);
  });
});
