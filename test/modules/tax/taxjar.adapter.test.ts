import { createSecretBox } from '../../../src/platform/secret-box.js';
import { TEST_SECRETS_KEYS } from '../../helpers/app.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTaxjar } from '../../../src/dev/fake-taxjar.js';
import { createTaxjarAdapter } from '../../../src/modules/tax/taxjar.adapter.js';
import type { TaxTenant } from '../../../src/modules/tax/tax.port.js';
import { createLogger } from '../../../src/platform/logger.js';
import { testDb } from '../../helpers/db.js';
import { orderingFixture } from '../orders/ordering-fixture.js';

const logger = createLogger({ level: 'silent', pretty: false });
const fake = new FakeTaxjar({ rate: 0.1, apiKeys: ['good-key'] });
const tenant: TaxTenant = {
  id: 'ten_test',
  currency: 'USD',
  taxjarEnabled: true,
  taxjarApiKey: 'good-key',
  addressValidation: true,
  taxjarFromAddress: { country: 'US', zip: '92093', state: 'CA', city: 'La Jolla', street: '9500 Gilman Drive' },
};
const to = { name: 'Pat', line1: '123 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };
const request = {
  to,
  lines: [
    { productId: 'prod_a', quantity: 2, unitPriceCents: 1999, discountCents: 398 },
    { productId: 'prod_b', quantity: 1, unitPriceCents: 500, discountCents: 0 },
  ],
  shippingCents: 750,
  amountCents: 2 * 1999 - 398 + 500,
};
// Two adapters: one whose timer is a budget for an answer that never comes (generous, so a busy machine's slow
// answer is still an answer), and one with a short timer for the tests of the timeout itself.
let adapter: ReturnType<typeof createTaxjarAdapter>;
let hurried: ReturnType<typeof createTaxjarAdapter>;

beforeAll(async () => {
  await fake.start();
  const secrets = createSecretBox(TEST_SECRETS_KEYS);
  adapter = createTaxjarAdapter({ apiUrl: `${fake.url}/`, timeoutMs: 30_000, logger, secrets });
  hurried = createTaxjarAdapter({ apiUrl: `${fake.url}/`, timeoutMs: 1000, logger, secrets });
});
afterAll(() => fake.stop());

describe('TaxJar adapter against the fake TaxJar', () => {
  it('asks taxForOrder with amount, shipping, to_* and from_* fields and line items, in dollars, and answers in cents', async () => {
    fake.reset();
    // (39.98 - 3.98 + 5.00 items + 7.50 shipping) * 10% = 4.85
    expect(await adapter.taxForOrder(tenant, request)).toBe(485);
    const call = fake.calls[0]!;
    expect(call).toMatchObject({ method: 'POST', path: '/v2/taxes', authorization: 'Bearer good-key' });
    expect(call.body).toMatchObject({
      amount: 41,
      shipping: 7.5,
      to_country: 'US',
      to_zip: '62701',
      to_state: 'IL',
      to_city: 'Springfield',
      to_street: '123 Main St',
      from_country: 'US',
      from_zip: '92093',
      from_state: 'CA',
      from_city: 'La Jolla',
      from_street: '9500 Gilman Drive',
      line_items: [
        { id: 'prod_a', quantity: 2, unit_price: 19.99, discount: 3.98 },
        { id: 'prod_b', quantity: 1, unit_price: 5, discount: 0 },
      ],
    });
  });

  it('asks nothing for a shop that does not sell in US dollars, and taxes it 0 (TaxJar taxes US sales in USD)', async () => {
    fake.reset();
    // ¥3,998 of goods would have gone to TaxJar as 39.98 "dollars", and ¥485 of US tax come back.
    expect(await adapter.taxForOrder({ ...tenant, currency: 'JPY' }, request)).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  it("sends each line's product tax code, so an exempt category (digital goods here) is not taxed", async () => {
    fake.reset();
    fake.exemptTaxCodes = ['31000'];
    try {
      const lines = [request.lines[0]!, { ...request.lines[1]!, productTaxCode: '31000' }];
      // (39.98 - 3.98 + 7.50 shipping) * 10% = 4.35: the 5.00 digital line is exempt.
      expect(await adapter.taxForOrder(tenant, { ...request, lines })).toBe(435);
      expect((fake.calls[0]!.body.line_items as unknown[])[1]).toEqual({
        id: 'prod_b',
        quantity: 1,
        unit_price: 5,
        discount: 0,
        product_tax_code: '31000',
      });
      expect((fake.calls[0]!.body.line_items as Record<string, unknown>[])[0]).not.toHaveProperty('product_tax_code');
    } finally {
      fake.exemptTaxCodes = [];
    }
  });

  it('answers 0 without calling TaxJar for a tenant without it', async () => {
    fake.reset();
    expect(await adapter.taxForOrder({ ...tenant, taxjarEnabled: false }, request)).toBe(0);
    expect(await adapter.taxForOrder({ ...tenant, taxjarApiKey: null }, request)).toBe(0);
    expect(fake.calls).toHaveLength(0);
  });

  it('gives up after the timeout with TAX_SERVICE_UNAVAILABLE (never a hang, never 0 tax)', async () => {
    fake.reset();
    // The fake answers after a minute, far past the test's own timeout: only the adapter's timer can end this.
    fake.delayMs = 60_000;
    try {
      await expect(hurried.taxForOrder(tenant, request)).rejects.toMatchObject({
        code: 'TAX_SERVICE_UNAVAILABLE',
        message: expect.stringMatching(/try again in a minute/),
      });
    } finally {
      fake.delayMs = 0;
    }
  });

  it('maps a 5xx and a refused key (401) to TAX_SERVICE_UNAVAILABLE', async () => {
    fake.reset();
    fake.fail(/\/v2\/taxes/, 503);
    await expect(adapter.taxForOrder(tenant, request)).rejects.toMatchObject({ code: 'TAX_SERVICE_UNAVAILABLE' });
    await expect(adapter.taxForOrder({ ...tenant, taxjarApiKey: 'wrong-key' }, request)).rejects.toMatchObject({
      code: 'TAX_SERVICE_UNAVAILABLE',
    });
    expect(fake.calls.map((c) => c.authorization)).toEqual(['Bearer good-key', 'Bearer wrong-key']);
  });

  it("validates an address: a suggestion when TaxJar corrects it (TaxJar's tax on or off), null when it matches, is off, or fails", async () => {
    fake.reset();
    fake.suggest = (a) =>
      a.street === '123 main street' ? { ...a, street: '123 N Main St', zip: '62701-1234', city: 'Springfield' } : undefined;
    try {
      const input = { ...to, line1: '123 main street' };
      expect(await adapter.validateAddress(tenant, input)).toEqual({ ...input, line1: '123 N Main St', postalCode: '62701-1234' });
      expect(fake.calls[0]).toMatchObject({
        path: '/v2/addresses/validate',
        body: { street: '123 main street', zip: '62701', city: 'Springfield', state: 'IL', country: 'US' },
      });
      // TaxJar's tax off, its key kept: addresses are still checked (the panel's rule asks for the key alone).
      expect(await adapter.validateAddress({ ...tenant, taxjarEnabled: false }, input)).toMatchObject({ line1: '123 N Main St' });
      expect(await adapter.validateAddress(tenant, to)).toBeNull();
      expect(await adapter.validateAddress({ ...tenant, addressValidation: false }, input)).toBeNull();
      expect(await adapter.validateAddress(tenant, { ...input, country: 'CA' })).toBeNull();
      fake.fail(/addresses/, 500);
      expect(await adapter.validateAddress(tenant, input)).toBeNull();
      fake.delayMs = 60_000;
      expect(await hurried.validateAddress(tenant, input)).toBeNull();
    } finally {
      fake.delayMs = 0;
      fake.suggest = undefined;
    }
  });
});

describe('tax in the order flow', () => {
  const db = testDb(10);
  let fx: Awaited<ReturnType<typeof orderingFixture>>;
  beforeAll(async () => {
    fx = await orderingFixture(db, { taxTimeoutMs: 1000 });
  });
  afterAll(() => fx.close());

  it('review and submit charge TaxJar tax on items after discount plus shipping', async () => {
    const s = await fx.shop({ taxjar: true, priceCents: 2000 });
    await fx.f.discount({ tenantId: s.tenant.id, type: 'FIXED_AMOUNT', amountOffCents: 500 });
    const c = await fx.readyCustomer(s, { quantity: 2 });
    // (40.00 - 5.00 + 5.00 shipping) * 8.25% = 3.30
    const review = await fx.services.orderSessions.review(s.tenant.id, c.id);
    expect(review).toMatchObject({
      subtotalCents: 4000,
      discountCents: 500,
      shippingCents: 500,
      taxAmountCents: 330,
      totalCents: 4330,
      currency: 'USD',
      paymentMethod: 'VENMO_P2P',
    });
    const { order } = await fx.services.orders.submit(s.tenant.id, c.id, { memberRoleIds: [] });
    expect(order).toMatchObject({ taxAmountCents: 330, totalCents: 4330 });
    expect(fx.taxjar.calls.filter((x) => x.path === '/v2/taxes').at(-1)?.body).toMatchObject({ shipping: 5, amount: 35 });
  });

  it('submit writes nothing when TaxJar is down, and works once it is back', async () => {
    const s = await fx.shop({ taxjar: true, stock: 3 });
    const c = await fx.readyCustomer(s);
    fx.taxjar.delayMs = 60_000;
    try {
      await expect(fx.services.orders.submit(s.tenant.id, c.id, { memberRoleIds: [] })).rejects.toMatchObject({
        code: 'TAX_SERVICE_UNAVAILABLE',
      });
    } finally {
      fx.taxjar.delayMs = 0;
    }
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(0);
    expect((await db.product.findUniqueOrThrow({ where: { id: s.product.id } })).stock).toBe(3);
    expect((await fx.services.orders.submit(s.tenant.id, c.id, { memberRoleIds: [] })).created).toBe(true);
  });

  it('a tenant without TaxJar pays 0 tax and TaxJar is not asked', async () => {
    const s = await fx.shop({ taxjar: false });
    const c = await fx.readyCustomer(s);
    const before = fx.taxjar.calls.length;
    expect((await fx.services.orders.submit(s.tenant.id, c.id, { memberRoleIds: [] })).order.taxAmountCents).toBe(0);
    expect(fx.taxjar.calls.length).toBe(before);
  });

  it('services.addressCheck suggests a correction only for tenants with address validation', async () => {
    const on = await fx.shop({ taxjar: true, tenant: { addressValidation: true } });
    const off = await fx.shop({ taxjar: true });
    fx.taxjar.suggest = (a) => ({ ...a, zip: '62701-1234' });
    try {
      expect(await fx.services.addressCheck.validate(on.tenant, fx.address)).toEqual({
        suggested: { ...fx.address, postalCode: '62701-1234' },
      });
      expect(await fx.services.addressCheck.validate(off.tenant, fx.address)).toEqual({ suggested: null });
      await expect(fx.services.addressCheck.validate(on.tenant, { ...fx.address, postalCode: '' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    } finally {
      fx.taxjar.suggest = undefined;
    }
  });
});
