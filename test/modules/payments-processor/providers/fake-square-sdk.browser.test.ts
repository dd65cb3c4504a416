// The fake Web Payments SDK (served by the fake Square at /v1/square.js) in a real Chromium: the calls a Cash
// App Pay page makes, as in Square's own Cash App Pay example, end with an 'ontokenization' event whose
// detail.tokenResult carries Square's sandbox token. Skipped without Chromium unless CI=true.
import type { BrowserContext } from 'playwright-core';
import { openBrowser, runBrowserTests, type BrowserSession } from '../../../admin/browser-session.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSquare, SQUARE_TEST_TOKENS } from '../../../../src/dev/fakes/fake-square.js';

describe.skipIf(!runBrowserTests)('fake Square Web Payments SDK in Chromium', () => {
  let fake: FakeSquare;
  let context: BrowserContext;
  let browser: BrowserSession;

  beforeAll(async () => {
    fake = await new FakeSquare().start();
    browser = await openBrowser('fake-square-sdk', { viewport: { width: 390, height: 844 } });
    context = browser.context;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await fake?.stop();
  });

  const pageHtml = (sdkUrl: string) => `<!doctype html><html><head><script src="${sdkUrl}"></script></head><body>
    <div id="cash-app-pay"></div>
    <script>
      window.tokens = [];
      (async () => {
        const payments = window.Square.payments('sandbox-sq0idb-fake-application', 'LFAKE0LOCATION');
        const paymentRequest = payments.paymentRequest({ countryCode: 'US', currencyCode: 'USD', total: { amount: '12.34', label: 'Total' } });
        const cashAppPay = await payments.cashAppPay(paymentRequest, { redirectURL: location.href, referenceId: 'order_abc' });
        await cashAppPay.attach('#cash-app-pay');
        cashAppPay.addEventListener('ontokenization', ({ detail }) => { window.tokens.push(detail.tokenResult); });
        window.ready = true;
      })();
    </script></body></html>`;

  it('renders a Cash App Pay button whose click delivers {detail: {tokenResult: {status: "OK", token}}}', async () => {
    const page = await context.newPage();
    await page.setContent(pageHtml(fake.sdkUrl));
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    await page.getByRole('button', { name: 'Cash App Pay' }).click();
    const tokens = await page.evaluate(() => (window as unknown as { tokens: unknown[] }).tokens);
    expect(tokens).toEqual([expect.objectContaining({ status: 'OK', token: SQUARE_TEST_TOKENS.ok })]);
    await page.close();
  });

  it('hands out the declined sandbox token when the fake is told to', async () => {
    fake.sdkToken = SQUARE_TEST_TOKENS.declined;
    const page = await context.newPage();
    await page.setContent(pageHtml(fake.sdkUrl));
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    await page.getByRole('button', { name: 'Cash App Pay' }).click();
    expect(await page.evaluate(() => (window as unknown as { tokens: { token: string }[] }).tokens[0]?.token)).toBe(
      SQUARE_TEST_TOKENS.declined,
    );
    await page.close();
  });
});
