// /order-shipping with a shipping option and an address the rules refuse writes nothing: the session keeps no
// shipping option either. Before, the shipping option was set before the address was checked, so the refusal
// left it on the session (found by the signed-interaction fuzz's "a refusal writes nothing").
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, member, modalInteraction, textOf, useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness();

describe('/order-shipping refused for its address', () => {
  it('leaves the session as it was, shipping option included', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    await interact(h, modalInteraction(as, `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }));
    const before = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    const res = await interact(
      h,
      commandInteraction(as, 'order-shipping', {
        shipping: s.shippingType.id,
        street: '',
        city: 'Springfield',
        zip: '62701',
        country: 'ZZZ',
      }),
    );
    expect(res.type).toBe(4);
    expect(textOf(res)).toContain('Street address is required');
    expect(textOf(res)).toContain('Correct the street and country options of `/order-shipping`');
    const after = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(after).toEqual(before);
  });

  it('still sets both when the address is good', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    await interact(h, modalInteraction(as, `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }));
    const res = await interact(
      h,
      commandInteraction(as, 'order-shipping', {
        shipping: s.shippingType.id,
        street: '1 Elm St',
        city: 'Springfield',
        zip: '62701',
        country: 'US',
      }),
    );
    expect(textOf(res)).toContain(`Shipping: ${s.shippingType.name}`);
    const session = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(session.shippingTypeId).toBe(s.shippingType.id);
    expect(session.addressId).not.toBeNull();
  });
});
