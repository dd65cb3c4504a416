// A customer's own /order message was refused once its session ran out: the quantity modal pressed there ended the
// expired session and opened a new one, but the message stayed recorded only for the ended one (it had been
// "current" before the step), so the next step on that same message, the address form or Cancel, was answered
// "This message is from an earlier order that has ended" and the message wiped. The message is now recorded for
// the session the step ran on, so each press there acts on the customer's new session.
import { describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { componentInteraction, customIdsOf, interact, member, messageOf, modalInteraction, textOf, useHarness } from './harness.js';
import { ELM_ST, walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

describe("steps on the customer's own /order message after its session ran out", () => {
  it('the quantity modal opens a new session there, and the address form and Cancel on that message act on it', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const productId = s.products[0]!.id;
    const m = snowflake();
    const on = (res: Parameters<typeof messageOf>[0]) => ({ ...messageOf(res), id: m });
    const { start } = await walkToReview(h, as, { productId, shippingTypeId: s.shippingType.id, messageId: m });
    const a = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
    // Session A runs out (it keeps its slot until something ends it).
    await db.orderSession.update({ where: { id: a.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const modal = await interact(h, componentInteraction(as, 'order:product-select', { values: [productId], message: on(start) }));
    expect(JSON.stringify(modal)).toContain(`order:qty-modal:${productId}`);
    const address = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '2' }, on(start)));
    expect(textOf(address)).toContain('Your order now has 2 ×');
    const b = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
    expect(b.id).not.toBe(a.id);

    // Before: "This message is from an earlier order that has ended…", the message wiped, B without an address.
    const shipping = await interact(h, modalInteraction(as, 'order:address:modal', { ...ELM_ST, line1: '9 Oak Ave' }, on(address)));
    expect(textOf(shipping)).not.toContain('earlier order');
    expect(customIdsOf(shipping)).toContain('order:shipping-type-select');
    expect((await db.orderSession.findUniqueOrThrow({ where: { id: b.id } })).addressId).not.toBeNull();

    const cancel = await interact(h, componentInteraction(as, 'order:cancel', { message: on(shipping) }));
    expect(textOf(cancel)).not.toContain('earlier order');
    const after = await db.orderSession.findUniqueOrThrow({ where: { id: b.id } });
    expect(after.activeSlot).toBeNull();
    expect(after.endReason).toBe('CANCELLED');
  });

  it("a quantity refused there after the new session opened (more than are left) leaves the message the new session's: the next try works", async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const productId = s.products[0]!.id;
    await db.product.update({ where: { id: productId }, data: { trackStock: true, stock: 3 } });
    const m = snowflake();
    const on = (res: Parameters<typeof messageOf>[0]) => ({ ...messageOf(res), id: m });
    const { start } = await walkToReview(h, as, { productId, shippingTypeId: s.shippingType.id, messageId: m });
    const a = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
    await db.orderSession.update({ where: { id: a.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const tooMany = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '5' }, on(start)));
    expect(textOf(tooMany)).not.toContain('Your order now has');
    const b = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
    expect(b.id).not.toBe(a.id);
    // Before: the message stayed recorded only for A, so this was "This message is from an earlier order…".
    const fewer = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '2' }, on(start)));
    expect(textOf(fewer)).not.toContain('earlier order');
    expect(textOf(fewer)).toContain('Your order now has 2 ×');
    expect((await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } })).id).toBe(b.id);
  });
});
