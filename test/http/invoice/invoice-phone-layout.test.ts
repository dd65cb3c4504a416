// The invoice page on a phone (390x844 CSS pixels, touch), as a customer opens it from Discord: an unpaid
// order with several lines (one a long unbroken name, as shops paste SKUs and links), a discount, shipping and
// tax, a long address line, PayPal connected and a manual method enabled. Everything fits the width (no
// sideways scrolling), every control is at least 44 px tall and wide (Apple's and WCAG's target size), text is
// at least 12 px, and the page can be used with the keyboard alone (each control reachable and visibly focused).
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { factories } from '../../helpers/factories.js';
import { CHROMIUM, openBrowser, runBrowserTests, type BrowserSession } from '../../admin/browser-session.js';
import { connectPayPal, startPayPalApp, type PayPalApp } from './invoice-fixtures.js';

if (!runBrowserTests) console.warn(`[invoice-phone-layout] ${CHROMIUM} is missing: browser test skipped`);

/** What a phone user meets on the page: sideways overflow, small targets, small text, unfocusable controls. */
async function phoneProblems(page: Page, width: number) {
  return page.evaluate((width) => {
    const overflowing = Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .map((e) => `${e.tagName.toLowerCase()}: ${(e.textContent ?? '').trim().slice(0, 40)}`);
    const smallTargets = Array.from(document.querySelectorAll('a[href], button, input, select, textarea'))
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 44 || r.height < 44)
      .map(({ e, r }) => `${e.tagName.toLowerCase()} "${(e.textContent ?? '').trim()}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    const smallText = Array.from(document.querySelectorAll('body *'))
      .filter((e) => Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim()))
      .filter((e) => parseFloat(getComputedStyle(e).fontSize) < 12)
      .map((e) => `${e.tagName.toLowerCase()}: ${(e.textContent ?? '').trim().slice(0, 40)}`);
    return { scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth, overflowing, smallTargets, smallText };
  }, width);
}

describe.skipIf(!runBrowserTests)('invoice page on a phone', () => {
  let env: PayPalApp;
  let browser: BrowserSession;
  let context: BrowserContext;

  beforeAll(async () => {
    env = await startPayPalApp();
    browser = await openBrowser('invoice-phone-layout', { viewport: { width: 390, height: 844 }, mobile: true });
    context = browser.context;
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('fits a 390 px screen with 44 px targets, readable text and keyboard use', async () => {
    const f = factories();
    const { tenant, guild, customer } = await f.shop({
      tenant: { name: 'Moonlight Candles & Wax Supply Co.', enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'], timeZone: 'America/Chicago' },
    });
    await connectPayPal(env, tenant.id);
    const p1 = await f.product({ tenantId: tenant.id, name: 'Lavender Soy Candle (16 oz)' });
    const p2 = await f.product({ tenantId: tenant.id, name: 'Wick Trimmer' });
    const longName = 'LAVENDER_SOY_WAX_FLAKES_5LB_BULK_REFILL_SKU_LSC000123456789';
    const p3 = await f.product({ tenantId: tenant.id, name: longName });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      paymentMethod: 'PAYPAL',
      paymentStatus: 'pending',
      lines: [
        { productId: p1.id, name: 'Lavender Soy Candle (16 oz)', quantity: 12, unitPriceCents: 240000 },
        { productId: p2.id, name: 'Wick Trimmer', quantity: 1, unitPriceCents: 1200 },
        { productId: p3.id, name: longName, quantity: 3, unitPriceCents: 4599 },
      ],
      discountCents: 600,
      discountName: 'WELCOMEBACKHOLIDAYSEASON2026TENPERCENT',
      shippingCents: 795,
      shippingTypeName: 'USPS Priority Mail Express (1-2 business days)',
      taxAmountCents: 237_437,
      totalCents: 2_880_000 + 1200 + 13_797 - 600 + 795 + 237_437,
      shippingAddress: {
        name: 'Jordan Lee',
        line1: 'c/o jordan.lee.orders@moonlight-candles-and-wax-supply.example',
        city: 'Springfield',
        state: 'OR',
        postalCode: '97477',
        country: 'US',
      },
    });
    const link = await env.t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);

    const page = await context.newPage();
    await page.goto(link.url);
    expect(await page.locator('button[name="method"]').allTextContents()).toEqual(['Pay with PayPal']);
    await page.screenshot({ path: `${browser.out}/invoice-phone.png`, fullPage: true });

    // The phone's width, not innerWidth: a mobile browser widens its layout viewport to content that does not
    // fit (and zooms the whole page out, text included), so innerWidth grows with the overflow.
    const problems = await phoneProblems(page, 390);
    expect(problems.overflowing).toEqual([]);
    expect(problems.innerWidth).toBe(390);
    expect(problems.scrollWidth).toBeLessThanOrEqual(390);
    expect(problems.smallTargets).toEqual([]);
    expect(problems.smallText).toEqual([]);
    // Every line, amount and the address are shown whole (wrapped, not cut off).
    const text = await page.locator('main').innerText();
    for (const s of [
      longName,
      '$28,800.00',
      '−$6.00',
      '$2,374.37',
      '$31,326.29',
      'c/o jordan.lee.orders@moonlight-candles-and-wax-supply.example',
    ])
      expect(text.replace(/\s+/g, '')).toContain(s.replace(/\s+/g, ''));

    // Keyboard only: Tab reaches the pay button, it shows a focus ring, and Enter goes to PayPal.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement as HTMLElement;
      return { text: e.textContent, outline: getComputedStyle(e).outlineStyle };
    });
    expect(focused).toEqual({ text: 'Pay with PayPal', outline: 'solid' });
    await page.keyboard.press('Enter');
    await page.waitForURL(`${env.paypal.url}/checkoutnow**`);
    await page.close();
  });
});
