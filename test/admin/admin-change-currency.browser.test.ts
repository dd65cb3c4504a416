// Shop settings -> "Change currency" in Chromium (modules/tenants/change-shop-currency.ts,
// resources/change-currency.action.ts): the shop's admin opens it from the Shop settings page, sees every amount
// priced in USD (a product's price, a shipping type's, a discount's amount off and minimum subtotal) and types each
// one's new amount; the currency and every amount change in one save, read back column by column. A colleague's
// product added while the page is open refuses the save and the page shows it; yen take whole units ("19.80" is
// refused under its field). Staff cannot open the step. A platform admin (who belongs to no shop) refused a change of
// currency in a shop's Settings form takes the step the refusal names from that page, on that shop, audited as
// themselves. Screenshots in test-output/admin-change-currency/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';
import { expectOnly, type Row } from '../helpers/expect-only.js';
import { failingLoad } from './failing-load.js';

const db = () => testDb();
const f = () => factories();

describe.skipIf(!runBrowserTests)("Change currency: a shop's currency and every price, in one step", () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let ownerEmail = '';
  let staffEmail = '';
  let platformEmail = '';

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-change-currency');
    const home = await f().tenant({ currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'] });
    ownerEmail = (await f().adminUser({ tenantId: home.id, email: 'owner@currency.test' })).email;
    staffEmail = (await f().adminUser({ tenantId: home.id, email: 'staff@currency.test', role: 'TENANT_STAFF' })).email;
    platformEmail = (await f().adminUser({ role: 'PLATFORM_ADMIN', tenantId: null, email: 'platform@currency.test' })).email;
    await browser.signIn(app.baseUrl, ownerEmail);
  }, 480_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A USD shop of its own, with the owner moved to it: a product, a shipping type and a discount priced in USD. */
  async function pricedShop(name: string) {
    const tenant = await f().tenant({ name, currency: 'USD', enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'] });
    await db().adminUser.updateMany({ where: { email: { in: [ownerEmail, staffEmail] } }, data: { tenantId: tenant.id } });
    const tenantId = tenant.id;
    const product = await f().product({
      tenantId,
      sku: 'MUG',
      name: 'Mug',
      unitPriceCents: 1250,
      currency: 'USD',
      stock: 7,
      trackStock: true,
    });
    const shipping = await f().shippingType({ tenantId, name: 'Post', priceCents: 495 });
    const discount = await f().discount({
      tenantId,
      name: 'Fiver',
      type: 'FIXED_AMOUNT',
      percentOff: null,
      amountOffCents: 500,
      minSubtotalCents: 3000,
      maxUses: 50,
    });
    return { tenantId, product, shipping, discount };
  }
  const rows = async (s: Awaited<ReturnType<typeof pricedShop>>) => ({
    tenant: (await db().tenant.findUniqueOrThrow({ where: { id: s.tenantId } })) as Row,
    product: (await db().product.findUniqueOrThrow({ where: { id: s.product.id } })) as Row,
    shipping: (await db().shippingType.findUniqueOrThrow({ where: { id: s.shipping.id } })) as Row,
    discount: (await db().discount.findUniqueOrThrow({ where: { id: s.discount.id } })) as Row,
  });

  const key = {
    product: (id: string) => `product:${id}:unitPriceCents`,
    shipping: (id: string) => `shippingType:${id}:priceCents`,
    amountOff: (id: string) => `discount:${id}:amountOffCents`,
    minSubtotal: (id: string) => `discount:${id}:minSubtotalCents`,
  };
  const amountInput = (k: string) => browser.page.locator(`input[name="amount.${k}"]`);

  /**
   * Opens Shop settings and presses "Change currency", as the owner does; waits until the list shows. Each step waits
   * for its own page: this shop's settings (its name shown) before the press, this shop's step (its URL, the form
   * saying the current currency) before the list, so a slow page (a busy machine, the previous test's in-app redirect)
   * is waited for rather than pressed through.
   */
  async function openChange(tenantId: string, firstKey: string) {
    const { page } = browser;
    const { name } = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    await page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${tenantId}/show`);
    await expect.poll(() => page.locator('body').innerText(), { timeout: 60_000 }).toContain(name);
    await page
      .getByRole('button', { name: 'Change currency' })
      .or(page.getByRole('link', { name: 'Change currency' }))
      .first()
      .click();
    await page.waitForURL((u) => u.pathname.endsWith(`/records/${tenantId}/changeCurrency`));
    await page.getByTestId('change-currency-form').filter({ hasText: 'This shop sells in USD' }).waitFor();
    await amountInput(firstKey).waitFor();
  }
  async function save(): Promise<{ notice?: { message: string; type: string }; fieldErrors?: Record<string, string> }> {
    const { page } = browser;
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/changeCurrency'), { timeout: 60_000 }),
      page.getByTestId('change-currency-save').click(),
    ]);
    return (await resp.json()) as { notice?: { message: string; type: string } };
  }

  it(
    'USD to EUR: a colleague adds a product meanwhile (refused, listed), then every amount is saved at once; every column read back',
    { timeout: 420_000 },
    async () => {
      browser.reportFailure('usd-eur');
      const s = await pricedShop('Euro Shop');
      const before = await rows(s);
      await openChange(s.tenantId, key.product(s.product.id));
      const { page } = browser;
      // Each amount as it is now, in dollars.
      await expect.poll(() => page.getByTestId(`now-${key.product(s.product.id)}`).textContent()).toBe('$12.50');
      expect(await page.getByTestId(`now-${key.shipping(s.shipping.id)}`).textContent()).toBe('$4.95');
      expect(await page.getByTestId(`now-${key.amountOff(s.discount.id)}`).textContent()).toBe('$5.00');
      expect(await page.getByTestId(`now-${key.minSubtotal(s.discount.id)}`).textContent()).toBe('$30.00');

      await page.locator('input[name="to"]').fill('eur');
      await amountInput(key.product(s.product.id)).fill('11.50');
      await amountInput(key.shipping(s.shipping.id)).fill('4.50');
      await amountInput(key.amountOff(s.discount.id)).fill('€4.60');
      await amountInput(key.minSubtotal(s.discount.id)).fill('28');

      // A colleague adds a product while the page is open: the save is refused, nothing is written, and the page
      // lists it, keeping what was typed for the rest.
      const hat = await f().product({ tenantId: s.tenantId, sku: 'HAT', name: 'Hat', unitPriceCents: 2000, currency: 'USD' });
      const refused = await save();
      expect(refused.notice).toEqual({
        type: 'error',
        message:
          'Prices changed since this page was opened: Hat (HAT) is new, price $20.00. Nothing was changed: the list below is as it is now; check the new amounts and save again.',
      });
      await page.getByTestId('change-currency-error').filter({ hasText: 'Hat (HAT) is new, price $20.00' }).waitFor();
      await amountInput(key.product(hat.id)).waitFor();
      expect(await page.getByTestId(`now-${key.product(hat.id)}`).textContent()).toBe('$20.00');
      expect(await amountInput(key.product(s.product.id)).inputValue()).toBe('11.50');
      expect(await amountInput(key.product(hat.id)).inputValue()).toBe('');
      await browser.shot('usd-eur-refused');
      const after = await rows(s);
      for (const k of ['tenant', 'product', 'shipping', 'discount'] as const) expectOnly(before[k], after[k], {});

      await amountInput(key.product(hat.id)).fill('18.90');
      const saved = await save();
      expect(saved.notice).toEqual({ type: 'success', message: 'The shop now sells in EUR: 5 amounts re-priced.' });
      // The panel goes to the shop's settings page, in-app (no page load).
      await expect.poll(() => page.url(), { timeout: 60_000 }).toMatch(/\/admin\/resources\/Tenant\/records\/[^/]+\/show(\?|$)/);
      await browser.shot('usd-eur-saved');

      const now = await rows(s);
      expectOnly(before.tenant, now.tenant, { currency: 'EUR' });
      expectOnly(before.product, now.product, { currency: 'EUR', unitPriceCents: 1150 });
      expectOnly(before.shipping, now.shipping, { priceCents: 450 });
      expectOnly(before.discount, now.discount, { amountOffCents: 460, minSubtotalCents: 2800 });
      expect(await db().product.findUniqueOrThrow({ where: { id: hat.id } })).toMatchObject({
        currency: 'EUR',
        unitPriceCents: 1890,
        active: true,
      });
      // The settings page reads the new currency.
      expect(await page.locator('body').textContent()).toContain('EUR');
    },
  );

  it(
    "says the typed currency's own rule for amounts beside the new amounts (EUR 2 decimals, JPY whole units)",
    { timeout: 420_000 },
    async () => {
      browser.reportFailure('amount-rule');
      const s = await pricedShop('Rule Shop');
      await openChange(s.tenantId, key.product(s.product.id));
      const { page } = browser;
      const to = page.locator('input[name="to"]');
      const rule = page.getByTestId('change-currency-rule');
      const header = page.getByTestId('change-currency-amounts').locator('thead');
      await to.fill('EU');
      expect(await rule.count()).toBe(0);
      await to.fill('eur');
      await expect.poll(() => rule.textContent()).toBe(' (EUR: 2 decimals, such as 24.50)');
      expect(await header.textContent()).toContain('New amount in EUR (EUR: 2 decimals, such as 24.50)');
      await to.fill('JPY');
      await expect.poll(() => rule.textContent()).toBe(' (JPY: whole units, such as 2450)');
      // A code the server refuses gets no rule.
      await to.fill('ZZZ');
      await expect.poll(() => rule.count()).toBe(0);
      expect(await header.textContent()).toContain('New amount in ZZZ');
    },
  );

  it(
    'USD to JPY: yen take whole units (19.80 is refused under its field), then saved; every column read back',
    { timeout: 420_000 },
    async () => {
      browser.reportFailure('usd-jpy');
      const s = await pricedShop('Yen Shop');
      const before = await rows(s);
      await openChange(s.tenantId, key.product(s.product.id));
      const { page } = browser;
      await page.locator('input[name="to"]').fill('JPY');
      await amountInput(key.product(s.product.id)).fill('19.80');
      await amountInput(key.shipping(s.shipping.id)).fill('700');
      await amountInput(key.amountOff(s.discount.id)).fill('¥800');
      await amountInput(key.minSubtotal(s.discount.id)).fill('5,000');
      const refused = await save();
      expect(refused.notice?.type).toBe('error');
      await page
        .getByTestId(`error-${key.product(s.product.id)}`)
        .filter({ hasText: 'an amount in JPY, such as 2450' })
        .waitFor();
      const unchanged = await rows(s);
      for (const k of ['tenant', 'product', 'shipping', 'discount'] as const) expectOnly(before[k], unchanged[k], {});

      await amountInput(key.product(s.product.id)).fill('1980');
      expect((await save()).notice).toEqual({ type: 'success', message: 'The shop now sells in JPY: 4 amounts re-priced.' });
      await expect.poll(() => page.url(), { timeout: 60_000 }).toMatch(/\/show(\?|$)/);
      const now = await rows(s);
      expectOnly(before.tenant, now.tenant, { currency: 'JPY' });
      expectOnly(before.product, now.product, { currency: 'JPY', unitPriceCents: 1980 });
      expectOnly(before.shipping, now.shipping, { priceCents: 700 });
      expectOnly(before.discount, now.discount, { amountOffCents: 800, minSubtotalCents: 5000 });
    },
  );

  it('is refused while an order waits for payment in USD, in words, with nothing written', { timeout: 420_000 }, async () => {
    browser.reportFailure('unpaid');
    const s = await pricedShop('Unpaid Shop');
    const customer = await f().customer({ tenantId: s.tenantId });
    await f().order({
      tenantId: s.tenantId,
      customerId: customer.id,
      lines: [{ productId: s.product.id, quantity: 1, unitPriceCents: 1250 }],
    });
    const before = await rows(s);
    await openChange(s.tenantId, key.product(s.product.id));
    const { page } = browser;
    await page.locator('input[name="to"]').fill('EUR');
    for (const [k, v] of [
      [key.product(s.product.id), '11.50'],
      [key.shipping(s.shipping.id), '4.50'],
      [key.amountOff(s.discount.id), '4.60'],
      [key.minSubtotal(s.discount.id), '28'],
    ] as const)
      await amountInput(k).fill(v);
    const message =
      'The currency cannot change from USD to EUR: 1 unpaid order is in USD. Amounts are not converted. First wait until the unpaid orders are paid, or cancel them.';
    expect((await save()).notice).toEqual({ type: 'error', message });
    await page.getByTestId('change-currency-error').filter({ hasText: message }).waitFor();
    await browser.shot('unpaid-refused');
    const after = await rows(s);
    for (const k of ['tenant', 'product', 'shipping', 'discount'] as const) expectOnly(before[k], after[k], {});
  });

  it(
    'says when the amounts could not be loaded, with "Try again", and never shows the form without them; a load that fails once is asked again by itself',
    { timeout: 420_000 },
    async () => {
      browser.reportFailure('load-failed');
      const s = await pricedShop('Unlucky Shop');
      const { page } = browser;
      const pressChangeCurrency = async () => {
        await page
          .getByRole('button', { name: 'Change currency' })
          .or(page.getByRole('link', { name: 'Change currency' }))
          .first()
          .click({ timeout: 60_000 });
        await page.waitForURL((u) => u.pathname.endsWith(`/records/${s.tenantId}/changeCurrency`));
      };

      // Every load of the list fails (the server answers 500): the page says so and offers no form to save.
      const target = { resourceId: 'Tenant', recordId: s.tenantId, action: 'changeCurrency' };
      const step = await failingLoad(page, target);
      try {
        await page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${s.tenantId}/show`);
        await expect.poll(() => page.locator('body').innerText(), { timeout: 60_000 }).toContain('Unlucky Shop');
        await pressChangeCurrency();
        await page.getByTestId('change-currency-load-failed').waitFor();
        await browser.shot('load-failed');
        expect(await page.getByTestId('change-currency-load-failed').textContent()).toContain(
          "The amounts priced in the shop's currency could not be loaded, so nothing can be changed yet.",
        );
        expect(await page.getByTestId('change-currency-form').count()).toBe(0);
        expect(await page.getByTestId('change-currency-save').count()).toBe(0);
        // AdminJS's load and the page's own second ask (on a busy machine the page may ask once more while AdminJS's
        // spinner has not yet replaced it); Try again asks exactly once.
        expect(step.gets()).toBeGreaterThanOrEqual(2);
        const before = step.gets();
        step.let();
        await page.getByRole('button', { name: 'Try again' }).click();
        await amountInput(key.product(s.product.id)).waitFor();
        expect(await page.getByTestId(`now-${key.product(s.product.id)}`).textContent()).toBe('$12.50');
        expect(step.gets()).toBe(before + 1);
      } finally {
        await step.unroute();
      }

      // From the shop's Settings form (the same record, so AdminJS first shows the step with the form's record), the
      // first load failing: the page asks again by itself and shows the list.
      const once = await failingLoad(page, { ...target, times: 1 });
      try {
        await page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${s.tenantId}/edit`);
        await expect.poll(() => page.locator('[name="currency"]').first().inputValue(), { timeout: 60_000 }).toBe('USD');
        await pressChangeCurrency();
        await page.getByTestId('change-currency-form').filter({ hasText: 'This shop sells in USD' }).waitFor();
        await amountInput(key.product(s.product.id)).waitFor();
        expect(once.gets()).toBeGreaterThanOrEqual(1);
        expect(await page.getByTestId(`now-${key.shipping(s.shipping.id)}`).textContent()).toBe('$4.95');
      } finally {
        await once.unroute();
      }
    },
  );

  it(
    "as a platform admin: the Settings form's refusal names Change currency, taken from that page on that shop; USD to EUR, every column read back",
    { timeout: 420_000 },
    async () => {
      browser.reportFailure('platform-admin');
      const s = await pricedShop('Platform-run Shop');
      // Another shop, priced too: the platform admin changes the one they opened, and only it.
      const other = await pricedShop('Other Shop');
      const platform = await db().adminUser.findUniqueOrThrow({ where: { email: platformEmail } });
      const before = await rows(s);
      const otherBefore = await rows(other);
      await browser.signIn(app.baseUrl, platformEmail);
      const { page } = browser;

      // Settings -> the shop's form: a new currency alone is refused while things are priced, and the refusal says
      // what to do instead.
      await page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${s.tenantId}/edit`);
      await expect.poll(() => page.locator('[name="currency"]').first().inputValue(), { timeout: 60_000 }).toBe('USD');
      await page.locator('[name="currency"]').fill('EUR');
      const resp = await pressSave(page, `/records/${s.tenantId}/edit`);
      const refusal =
        'The currency cannot change from USD to EUR: 1 active product, 1 shipping type and 1 discount are priced in USD. ' +
        'Amounts are not converted. Use "Change currency" on Shop settings instead: it asks for each amount in EUR and ' +
        'changes them with the currency at once.';
      expect(((await resp.json()) as { notice?: unknown }).notice).toEqual({ type: 'error', message: refusal });
      await page.getByTestId('property-edit-currency').filter({ hasText: refusal }).first().waitFor({ timeout: 60_000 });
      await browser.shot('platform-settings-refused');
      for (const k of ['tenant', 'product', 'shipping', 'discount'] as const) expectOnly(before[k], (await rows(s))[k], {});

      // The step it names is on this page, for this shop.
      await page
        .getByRole('button', { name: 'Change currency' })
        .or(page.getByRole('link', { name: 'Change currency' }))
        .first()
        .click({ timeout: 60_000 });
      await page.waitForURL((u) => u.pathname.endsWith(`/records/${s.tenantId}/changeCurrency`));
      await page.getByTestId('change-currency-form').filter({ hasText: 'This shop sells in USD' }).waitFor();
      await amountInput(key.product(s.product.id)).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/admin/resources/Tenant/records/${s.tenantId}/changeCurrency`);
      await expect.poll(() => page.getByTestId(`now-${key.product(s.product.id)}`).textContent()).toBe('$12.50');
      expect(await page.getByTestId(`now-${key.shipping(s.shipping.id)}`).textContent()).toBe('$4.95');
      expect(await page.getByTestId(`now-${key.amountOff(s.discount.id)}`).textContent()).toBe('$5.00');
      expect(await page.getByTestId(`now-${key.minSubtotal(s.discount.id)}`).textContent()).toBe('$30.00');
      expect(await amountInput(key.product(other.product.id)).count()).toBe(0);

      await page.locator('input[name="to"]').fill('EUR');
      await amountInput(key.product(s.product.id)).fill('11.50');
      await amountInput(key.shipping(s.shipping.id)).fill('4.50');
      await amountInput(key.amountOff(s.discount.id)).fill('4.60');
      await amountInput(key.minSubtotal(s.discount.id)).fill('28.00');
      const saved = await save();
      expect(saved.notice).toEqual({ type: 'success', message: 'The shop now sells in EUR: 4 amounts re-priced.' });
      await expect.poll(() => new URL(page.url()).pathname, { timeout: 60_000 }).toBe(`/admin/resources/Tenant/records/${s.tenantId}/show`);
      await page.getByTestId('property-show-currency').filter({ hasText: 'EUR' }).waitFor({ timeout: 60_000 });
      await browser.shot('platform-saved');

      const now = await rows(s);
      expectOnly(before.tenant, now.tenant, { currency: 'EUR' });
      expectOnly(before.product, now.product, { currency: 'EUR', unitPriceCents: 1150 });
      expectOnly(before.shipping, now.shipping, { priceCents: 450 });
      expectOnly(before.discount, now.discount, { amountOffCents: 460, minSubtotalCents: 2800 });
      const otherNow = await rows(other);
      for (const k of ['tenant', 'product', 'shipping', 'discount'] as const) expectOnly(otherBefore[k], otherNow[k], {});
      // On the shop's audit log, by the platform admin.
      const entries = await db().auditLog.findMany({ where: { tenantId: s.tenantId }, orderBy: { action: 'asc' } });
      expect(entries.map((e) => [e.action, e.entityId, e.actorType, e.actorId])).toEqual([
        ['discount.updated', s.discount.id, 'PANEL_ADMIN', platform.id],
        ['product.updated', s.product.id, 'PANEL_ADMIN', platform.id],
        ['shipping_type.updated', s.shipping.id, 'PANEL_ADMIN', platform.id],
        ['tenant.updated', s.tenantId, 'PANEL_ADMIN', platform.id],
      ]);
      expect(await db().auditLog.count({ where: { tenantId: other.tenantId } })).toBe(0);
    },
  );

  it('is not open to staff', async () => {
    const s = await pricedShop('Staff Shop');
    const staff = await loggedIn(app.baseUrl, staffEmail);
    // AdminJS answers an action the admin may not use without running it: no list, no change.
    const res = await staff.agent.get(`/admin/api/resources/Tenant/records/${s.tenantId}/changeCurrency`).set(staff.headers());
    expect(res.body?.record?.params?.currencyChangeJson).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain(s.product.id);
    const shown = [
      { key: key.product(s.product.id), cents: 1250 },
      { key: key.shipping(s.shipping.id), cents: 495 },
      { key: key.amountOff(s.discount.id), cents: 500 },
      { key: key.minSubtotal(s.discount.id), cents: 3000 },
    ];
    const typed = Object.fromEntries(shown.map((a) => [a.key, '9']));
    const post = await staff.agent
      .post(`/admin/api/resources/Tenant/records/${s.tenantId}/changeCurrency`)
      .set(staff.headers())
      .send({ from: 'USD', to: 'EUR', shown: JSON.stringify(shown), amounts: JSON.stringify(typed) });
    expect(post.body?.notice?.type).not.toBe('success');
    expect((await db().tenant.findUniqueOrThrow({ where: { id: s.tenantId } })).currency).toBe('USD');
  });
});
