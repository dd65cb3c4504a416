// The API reference page in a real browser (Chromium): Swagger UI renders every operation from
// /api/openapi.json under the page's Content-Security-Policy, with nothing loaded from elsewhere and no
// console error (a CSP violation is one).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_OPERATIONS } from '../../../src/surfaces/http/api/openapi/api.operations.js';
import { openBrowser, runBrowserTests, type BrowserSession } from '../../admin/browser-session.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
let server: Server;
let browser: BrowserSession;

describe.runIf(runBrowserTests)('API reference page (Chromium)', () => {
  beforeAll(async () => {
    t = await createTestApp();
    server = createServer(t.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    browser = await openBrowser('api-docs');
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await t?.services.close();
  });

  it('renders every operation with no CSP violation or outside request', { timeout: 300_000 }, async () => {
    const { page, trail } = browser;
    const outside: string[] = [];
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.goto(`${base}/api/docs`);
    await page.waitForSelector('.opblock', { state: 'attached' });
    await page.waitForFunction((n) => document.querySelectorAll('.opblock').length >= n, API_OPERATIONS.length);
    const summaries = await page.$$eval('.opblock-summary-path', (els) => els.map((e) => e.getAttribute('data-path')));
    for (const op of API_OPERATIONS) expect(summaries).toContain(op.path);
    expect(await page.textContent('.info .title')).toContain('Ledgerline REST API');
    await browser.shot('api-docs');
    expect(trail).toEqual([]);
    expect(outside).toEqual([]);
  });
});
