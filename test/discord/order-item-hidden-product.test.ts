// /order-item (the legacy flow) names a product by id, with its name, SKU, price and currency, which must match the
// catalog. A product this member may not see (one behind a role they lack, or one taken off sale) is "not available to
// you", as /order productid:, the catalog's Order button and /product-list's Add say (order-flow.ts orderableProduct):
// the refusal of a mismatch must not tell them the hidden product's name, SKU or price, and no order session is
// started for it. A product they may buy still gets the catalog's values in a mismatch (test/discord/commands.test.ts).
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, member, textOf, useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness();

const VIP_ROLE = '700000000000000077';

async function shopWith(product: { requiredRoleIds?: string[]; active?: boolean }) {
  const s = await f.shop();
  const hidden = await f.product({
    tenantId: s.tenant.id,
    name: 'Backstage pass',
    sku: 'VIP-BACKSTAGE-9',
    unitPriceCents: 98_765,
    ...product,
  });
  const user = member({ id: s.customer.discordUserId, roles: [] });
  return { s, hidden, as: { guildId: s.guild.id, user } };
}

/** A guess at the hidden product: its id (seen once, or passed on), everything else wrong. */
const guess = (productId: string) => ({ productid: productId, name: 'x', sku: 'x', quantity: 1, unitpricecents: 1, currency: 'USD' });

describe('/order-item on a product the member may not see', () => {
  it.each([
    ['behind a role the member lacks', { requiredRoleIds: [VIP_ROLE] }],
    ['taken off sale', { active: false }],
  ])('%s: "not available", without its name, SKU or price', async (_what, product) => {
    const { s, hidden, as } = await shopWith(product);
    const res = await interact(h, commandInteraction(as, 'order-item', guess(hidden.id)));
    const text = textOf(res);
    expect(text).toContain('not available');
    expect(text).not.toContain('Backstage pass');
    expect(text).not.toContain('VIP-BACKSTAGE-9');
    expect(text).not.toContain('98765');
    expect(await db.orderSession.count({ where: { tenantId: s.tenant.id, customerId: s.customer.id } })).toBe(0);
  });
});
