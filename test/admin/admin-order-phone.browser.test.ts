// The order page on a phone (390x844, touch), as an owner records a Venmo/Zelle payment that just arrived:
// the "Record money received" fields and button are big enough to tap (44 px), each field has a visible label
// (a placeholder disappears once typing starts), and the fields' text is 16 px so iOS Safari does not zoom the
// page in on focus; the order's tables scroll sideways instead of breaking words a letter a line. Then the
// receipt is recorded by tapping, as on the phone. Skipped without Chromium unless CI=true.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { runBrowserTests } from './browser-session.js';
import { useSignedInPhone } from './phone-session.js';

describe.skipIf(!runBrowserTests)('order page on a phone', () => {
  const phone = useSignedInPhone('admin-order-phone', 'owner@order-phone.test');
  const f = factories();

  it('records money received with labelled, 44 px, 16 px fields and a 44 px button', async () => {
    const { app, browser, tenantId } = phone;
    browser.reportFailure('record-receipt');
    const { page } = browser;
    const customer = await f.customer({ tenantId, displayName: 'Pat Phone' });
    const order = await f.order({ tenantId, customerId: customer.id, paymentMethod: 'VENMO_P2P', totalCents: 2500 });
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
    await page.waitForSelector('[data-testid="order-detail"]');
    // The tables scroll sideways inside the page rather than squeezing to the screen: no cell's text is cut
    // inside a word (more lines than words: "Venm / o", "A / w / ait / in / g").
    const brokenWords = await page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-testid="order-detail"] td'))
        .flatMap((td) => {
          const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
          const texts: Text[] = [];
          for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n as Text);
          return texts;
        })
        .filter((t) => t.textContent!.trim())
        .filter((t) => {
          const range = document.createRange();
          range.selectNodeContents(t);
          const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
          return lines > t.textContent!.trim().split(/\s+/).length;
        })
        .map((t) => t.textContent!.trim()),
    );
    expect(brokenWords).toEqual([]);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);

    await page.locator('[data-testid="receipt-record"]').scrollIntoViewIfNeeded();

    const controls = await page.evaluate(() =>
      ['receipt-amount', 'receipt-note', 'receipt-record'].map((id) => {
        const e = document.querySelector<HTMLInputElement | HTMLButtonElement>(`[data-testid="${id}"]`)!;
        const r = e.getBoundingClientRect();
        const labels = 'labels' in e && e.labels ? Array.from(e.labels).map((l) => l.innerText.trim()) : [];
        return {
          id,
          tall: r.height >= 44,
          wide: r.width >= 44,
          fits: r.right <= 390,
          fontPx: parseFloat(getComputedStyle(e).fontSize),
          labels,
        };
      }),
    );
    await browser.shot('order-phone-receipt');
    expect(controls).toEqual([
      { id: 'receipt-amount', tall: true, wide: true, fits: true, fontPx: 16, labels: ['Amount received'] },
      { id: 'receipt-note', tall: true, wide: true, fits: true, fontPx: 16, labels: ['Note (optional)'] },
      { id: 'receipt-record', tall: true, wide: true, fits: true, fontPx: expect.any(Number), labels: [] },
    ]);

    await page.getByLabel('Amount received').tap();
    await page.keyboard.type('10.00');
    await page.getByLabel('Note (optional)').fill('Venmo @pat');
    await page.locator('[data-testid="receipt-record"]').tap();
    await page.waitForSelector('[data-testid="order-receipts"] >> text=Venmo @pat');
    expect(await testDb().paymentReceipt.count({ where: { orderId: order.id } })).toBe(1);
  }, 300_000);
});
