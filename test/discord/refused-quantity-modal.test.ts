// A quantity modal for a product the caller cannot order (another shop's, unknown) is refused and writes
// nothing: the open session is not resumed (its expiry not extended), and none is started. Before, the
// handler took the product's NOT_FOUND for "no session", started or resumed one and tried again (found by
// interaction-fuzz.property.test.ts).
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, member, modalInteraction, textOf, useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness();

async function shops() {
  const s = await f.shop();
  const other = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  return { s, foreignProduct: other.products[0]!, as };
}

const sessionsOf = (tenantId: string) => db.orderSession.findMany({ where: { tenantId }, orderBy: { id: 'asc' } });

describe('a quantity modal for a product the caller cannot order', () => {
  it('leaves the open session as it was', async () => {
    const { s, foreignProduct, as } = await shops();
    await interact(h, commandInteraction(as, 'order'));
    const before = await sessionsOf(s.tenant.id);
    expect(before).toHaveLength(1);
    const res = await interact(h, modalInteraction(as, `order:qty-modal:${foreignProduct.id}`, { quantity: '1' }));
    expect(res.type).toBe(4);
    expect(textOf(res)).toMatch(/not available/);
    expect(await sessionsOf(s.tenant.id)).toEqual(before);
  });

  it('starts no session when there is none', async () => {
    const { s, foreignProduct, as } = await shops();
    const res = await interact(h, modalInteraction(as, `order:qty-modal:${foreignProduct.id}`, { quantity: '1' }));
    expect(textOf(res)).toMatch(/not available|not found/i);
    const unknown = await interact(h, modalInteraction(as, 'order:qty-modal:prod_doesnotexist', { quantity: '1' }));
    expect(textOf(unknown)).toMatch(/not available|not found/i);
    expect(await sessionsOf(s.tenant.id)).toEqual([]);
  });

  it('still starts a session for a product the caller can order', async () => {
    const { s, as } = await shops();
    const res = await interact(h, modalInteraction(as, `order:qty-modal:${s.products[0]!.id}`, { quantity: '2' }));
    expect(textOf(res)).toContain(`Your order now has 2 × ${s.products[0]!.name}`);
    expect(await sessionsOf(s.tenant.id)).toHaveLength(1);
  });
});
