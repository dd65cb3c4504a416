// /product-list (the legacy flow) with long product descriptions, through signed requests: every product with an
// Add button on the page is also named there, with its price and id. The page's five products share one embed
// description (Discord's 4096 characters), so long descriptions were cut at its end and the last products' Add
// buttons stood under nothing that said what they were or cost.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { commandInteraction, customIdsOf, interact, member, useHarness } from './harness.js';

const f = factories();
const h = useHarness();

describe('/product-list with long descriptions', () => {
  it('names every product it has an Add button for, with its price, within 4096 characters', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const products = [];
    for (let i = 0; i < 5; i++) {
      products.push(
        await f.product({
          tenantId: s.tenant.id,
          sortOrder: -10 + i,
          name: `Poster ${i}`,
          unitPriceCents: 1000 + i,
          description: `About poster ${i}. ${'d'.repeat(1980)}`,
        }),
      );
    }
    const res = await interact(h, commandInteraction(as, 'product-list'));
    const description = res.data.embeds![0]!.description!;
    expect(description.length).toBeLessThanOrEqual(4096);
    const added = customIdsOf(res).filter((id) => id.startsWith('legacy:add:'));
    expect(added).toEqual(products.map((p) => `legacy:add:${p.id}`));
    for (const p of products) {
      expect(description).toContain(`**${p.name}** · $${(p.unitPriceCents / 100).toFixed(2)} · \`${p.id}\``);
      expect(description).toContain(`About poster ${p.name.slice(-1)}.`);
    }
  });
});
