// Text that cannot be stored, in what a user sent, is refused with a message naming it, and nothing is written:
// a NUL character (U+0000), which PostgreSQL cannot hold in text, and an unpaired UTF-16 surrogate (a JSON
// "\ud800" escape), which Prisma refuses to write. Before, each of these reached the database and answered the
// generic "Something went wrong" (found by interaction-fuzz.property.test.ts).
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, member, modalInteraction, textOf, useHarness } from './harness.js';
import { paidShopOrder } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

const NUL_REFUSED = /contains a NUL character \(\\0\), which cannot be saved\. Remove it and try again\./;

async function shop() {
  const s = await paidShopOrder(f);
  const unpaid = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id });
  const asCustomer = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  return { ...s, unpaid, asCustomer };
}

async function expectRefused(interaction: unknown, where: RegExp) {
  const res = await interact(h, interaction);
  expect(res.type).toBe(4);
  expect(res.data.flags).toBe(64);
  const text = textOf(res);
  expect(text).toMatch(NUL_REFUSED);
  expect(text).toMatch(where);
  expect(text).not.toMatch(/Something went wrong/);
}

describe('a NUL character in what a user sent', () => {
  it('in /refund reason: refused, no refund', async () => {
    const s = await shop();
    await expectRefused(
      commandInteraction(s.asAdmin, 'refund', { order: s.order.id, reason: 'bad\u0000reason', amount: 100 }),
      /`reason` option/,
    );
    expect(await db.refund.count({ where: { orderId: s.order.id } })).toBe(0);
    expect((await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).refundedTotalCents).toBe(0);
  });

  it('in /order-item productid: refused', async () => {
    const s = await shop();
    await expectRefused(
      commandInteraction(s.asCustomer, 'order-item', {
        productid: 'prod_\u0000',
        name: 'n',
        sku: 's',
        quantity: 1,
        unitpricecents: 1,
        currency: 'USD',
      }),
      /`productid` option/,
    );
  });

  it('in /order-shipping street: refused, the session keeps no address', async () => {
    const s = await shop();
    await interact(h, modalInteraction(s.asCustomer, `order:qty-modal:${s.p1.id}`, { quantity: '1' }));
    await expectRefused(
      commandInteraction(s.asCustomer, 'order-shipping', { street: '1\u0000 Elm St', city: 'Springfield', zip: '62701', country: 'US' }),
      /`street` option/,
    );
    const session = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
    expect(session.addressId).toBeNull();
  });

  it('in the address modal: refused, the session keeps no address', async () => {
    const s = await shop();
    await interact(h, modalInteraction(s.asCustomer, `order:qty-modal:${s.p1.id}`, { quantity: '1' }));
    await expectRefused(
      modalInteraction(s.asCustomer, 'order:address:modal', { line1: '1\u0000 Elm St', city: 'Springfield', postal_country: '62701 US' }),
      /What you typed/,
    );
    const session = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
    expect(session.addressId).toBeNull();
    expect(await db.address.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });

  it("in a rejection's reason or a receipt's note: refused, the payment unchanged", async () => {
    const s = await shop();
    await expectRefused(
      modalInteraction(s.asAdmin, `payment:reject-modal:${s.unpaid.payment.id}`, { reason: 'no\u0000pay' }),
      /What you typed/,
    );
    await expectRefused(
      modalInteraction(s.asAdmin, `payment:receipt-modal:${s.unpaid.payment.id}`, { amount: '1.00', note: 'ref\u0000' }),
      /What you typed/,
    );
    expect((await db.payment.findUniqueOrThrow({ where: { id: s.unpaid.payment.id } })).status).toBe('awaiting_admin_approval');
    expect(await db.paymentReceipt.count({ where: { paymentId: s.unpaid.payment.id } })).toBe(0);
  });
});

const BROKEN_REFUSED = /contains a broken character \(half of an emoji or symbol\), which cannot be saved\. Remove it and try again\./;

describe('an unpaired surrogate in what a user sent', () => {
  it("in /refund reason or a rejection's reason: refused, nothing written", async () => {
    const s = await shop();
    for (const [interaction, where] of [
      [commandInteraction(s.asAdmin, 'refund', { order: s.order.id, reason: 'damaged \ud800', amount: 100 }), /`reason` option/],
      [modalInteraction(s.asAdmin, `payment:reject-modal:${s.unpaid.payment.id}`, { reason: 'no \udc00 pay' }), /What you typed/],
    ] as const) {
      const res = await interact(h, interaction);
      expect(res.type).toBe(4);
      expect(res.data.flags).toBe(64);
      expect(textOf(res)).toMatch(BROKEN_REFUSED);
      expect(textOf(res)).toMatch(where);
    }
    expect(await db.refund.count({ where: { orderId: s.order.id } })).toBe(0);
    expect((await db.payment.findUniqueOrThrow({ where: { id: s.unpaid.payment.id } })).status).toBe('awaiting_admin_approval');
  });

  it('a whole emoji (a surrogate pair) is still accepted', async () => {
    const s = await shop();
    const res = await interact(
      h,
      commandInteraction(s.asAdmin, 'refund', { order: s.order.id, reason: 'box arrived 🧨 damaged', amount: 100 }),
    );
    expect(textOf(res)).toContain('Reason: box arrived 🧨 damaged');
    expect(await db.refund.count({ where: { orderId: s.order.id } })).toBe(1);
  });
});
