// The legacy flow's buttons that only show something (/product-list's pages and Add, "Add new address", "Fix the
// address"), through signed requests: like their /order twins (order:products, order:product-select,
// order:address:new, order:address:retry) they make no de-duplication claim and no customer row, so the modal a
// button opens is the first answer with no database write before it, and a redelivered click shows it again instead
// of "This interaction was already handled."
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { componentInteraction, interact, member, useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness();

describe('legacy buttons that only show something', () => {
  it('answer a redelivered click again and write nothing', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member() };
    const customersBefore = await db.customer.count({ where: { tenantId: s.tenant.id } });
    const clicks = [
      [componentInteraction(as, `legacy:add:${s.products[0]!.id}`), 9],
      [componentInteraction(as, 'legacy:address-new'), 9],
      [componentInteraction(as, 'legacy:address-retry'), 9],
      [componentInteraction(as, 'legacy:browse:0'), 7],
    ] as const;
    for (const [click, type] of clicks) {
      expect((await interact(h, click)).type).toBe(type);
      expect((await interact(h, click)).type).toBe(type); // the same interaction again
    }
    expect(await db.processedInteraction.count({ where: { id: { in: clicks.map(([c]) => c.id) } } })).toBe(0);
    expect(await db.customer.count({ where: { tenantId: s.tenant.id } })).toBe(customersBefore);
  });
});
