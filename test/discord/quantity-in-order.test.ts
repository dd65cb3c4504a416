// The quantity modal of a product already in the customer's order: it sets the line's quantity (the review then
// says "Your order now has N ×"), so it opens at the quantity the order holds, and says so. Before, it opened at 1
// whatever the order held: a customer with 2 in the order who picked the product again ("Add another product", the
// catalog's Order button) and sent the modal as it opened was left with 1.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { commandInteraction, componentInteraction, interact, member, messageOf, modalInteraction, textOf, useHarness } from './harness.js';

const f = factories();
const h = useHarness();

type Reply = Awaited<ReturnType<typeof interact>>;
const quantityInput = (r: Reply) => {
  const rows = (r.data as { components?: { components: { custom_id: string; label: string; value?: string }[] }[] }).components ?? [];
  return rows.flatMap((x) => x.components).find((c) => c.custom_id === 'quantity')!;
};

describe('the quantity modal of a product already in the order', () => {
  it('opens at the quantity in the order, from the product menu and the catalog, and at 1 for another product', async () => {
    const s = await f.shop();
    const [big, small] = s.products;
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const start = await interact(h, commandInteraction(as, 'order'));
    await interact(h, componentInteraction(as, 'order:product-select', { values: [big!.id], message: messageOf(start) }));
    const addressStep = await interact(h, modalInteraction(as, `order:qty-modal:${big!.id}`, { quantity: '2' }, messageOf(start)));
    expect(textOf(addressStep)).toContain(`Your order now has 2 × ${big!.name}.`);

    const menu = await interact(h, componentInteraction(as, 'order:products:0', { message: messageOf(addressStep) }));
    const again = await interact(h, componentInteraction(as, 'order:product-select', { values: [big!.id], message: messageOf(menu) }));
    expect(again.type).toBe(9);
    expect(quantityInput(again).value).toBe('2');
    expect(quantityInput(again).label).toBe('How many in all? (now 2, $25.00 each)');

    const fromCatalog = await interact(h, componentInteraction(as, `catalog:order:${big!.id}`));
    expect(quantityInput(fromCatalog).value).toBe('2');

    const other = await interact(h, componentInteraction(as, 'order:product-select', { values: [small!.id], message: messageOf(menu) }));
    expect(quantityInput(other).value).toBe('1');
    expect(quantityInput(other).label).toBe('How many? ($5.00 each)');

    // Sent as it opened, the order keeps its 2.
    const kept = await interact(
      h,
      modalInteraction(as, `order:qty-modal:${big!.id}`, { quantity: quantityInput(again).value! }, messageOf(menu)),
    );
    expect(textOf(kept)).toContain(`Your order now has 2 × ${big!.name}.`);
  });

  it('opens at 1 for someone with no order in progress (no customer row is made to ask)', async () => {
    const s = await f.shop();
    const stranger = { guildId: s.guild.id, user: member() };
    const modal = await interact(h, componentInteraction(stranger, `catalog:order:${s.products[1]!.id}`));
    expect(quantityInput(modal).value).toBe('1');
  });
});
