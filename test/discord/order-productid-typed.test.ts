// `/order productid:` as a customer types it on a phone, through signed requests: a pasted id with a space before or
// after it (a phone keyboard adds one after a paste) opens the product's quantity modal, as /order-item's productid
// takes it trimmed; anything that is not a product id is refused with a sentence saying what to type, not the
// validator's "Invalid options: productid: a product id".
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { commandInteraction, interact, member, textOf, useHarness } from './harness.js';

const f = factories();
const h = useHarness();

describe('/order productid: as typed', () => {
  it('opens the quantity modal for a pasted id with spaces around it', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const res = await interact(h, commandInteraction(as, 'order', { productid: ` ${s.products[0]!.id} ` }));
    expect(res.type).toBe(9);
    expect(res.data.custom_id).toBe(`order:qty-modal:${s.products[0]!.id}`);
  });

  it('refuses what is not a product id with a sentence saying what to type', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const res = await interact(h, commandInteraction(as, 'order', { productid: 'Blue tee' }));
    expect(res.type).toBe(4);
    const text = textOf(res);
    expect(text).not.toMatch(/Invalid options|productid: a product id/);
    expect(text).toContain('"Blue tee" is not a product id');
  });
});
