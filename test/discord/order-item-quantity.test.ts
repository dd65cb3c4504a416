// /order-item for a product already in the order sets its quantity (as the quantity modal does): the answer says the
// quantity changed, from what to what, instead of "Item added" over a line that went from 2 to 1.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { commandInteraction, interact, member, textOf, useHarness } from './harness.js';
import { orderItemOptions } from './flows.js';

const f = factories();
const h = useHarness();

describe('/order-item for a product already in the order', () => {
  it('says the quantity changed from what to what, and "Item added" only for a new line', async () => {
    const s = await f.shop();
    const [big, small] = s.products;
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };

    const first = await interact(h, commandInteraction(as, 'order-item', orderItemOptions(big!, 2)));
    expect(textOf(first)).toContain('Item added');
    expect(textOf(first)).not.toContain('Your order had');

    const lowered = textOf(await interact(h, commandInteraction(as, 'order-item', orderItemOptions(big!, 1))));
    expect(lowered).toContain('Quantity changed');
    expect(lowered).not.toContain('Item added');
    expect(lowered).toContain(`Your order had 2 × ${big!.name}; it now has 1.`);
    expect(lowered).toContain(`• 1 × ${big!.name} — $25.00`);

    const same = textOf(await interact(h, commandInteraction(as, 'order-item', orderItemOptions(big!, 1))));
    expect(same).toContain('Quantity unchanged');

    const other = textOf(await interact(h, commandInteraction(as, 'order-item', orderItemOptions(small!, 3))));
    expect(other).toContain('Item added');
    expect(other).toContain('Subtotal: $40.00');
  });
});
