// A cart of many products with long names, through signed requests: the flow's screens that list it (the address
// step, the review) stay within Discord's limits (4096 characters a description, 6000 a message) with the note the
// flow puts in front of them ("Your order now has …", what changed since the review), show every line whole or say
// how many are not shown, and keep the step's own instruction. Otherwise Discord refuses the answer and the phone
// says "This interaction failed", with the customer's click spent.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import {
  commandInteraction,
  componentInteraction,
  interact,
  member,
  messageOf,
  modalInteraction,
  useHarness,
  type Reply,
} from './harness.js';
import { embedsOf, expectEmbedsWithinLimits } from './embed-limits.js';

const f = factories();
const db = testDb();
const h = useHarness();

/** Discord's limits on a message's embeds (shared/docs/discord.md). */
const expectWithinLimits = (res: Reply) => expectEmbedsWithinLimits(embedsOf(res));

/** A shop with `n` products named with 190 characters each, and a customer who puts every one in an order. */
async function longCart(n: number, quantity = '1') {
  const s = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const products = [];
  for (let i = 0; i < n; i++) {
    products.push(
      await f.product({ tenantId: s.tenant.id, sortOrder: -100 + i, name: `Item ${String(i).padStart(2, '0')} ${'n'.repeat(182)}` }),
    );
  }
  let reply = await interact(h, commandInteraction(as, 'order'));
  for (const p of products) {
    reply = await interact(h, modalInteraction(as, `order:qty-modal:${p.id}`, { quantity }, messageOf(reply)));
  }
  return { ...s, as, products, reply };
}

describe('a long cart on the address step', () => {
  it('fits Discord with the note in front, keeps the instruction and cuts no line', async () => {
    const { reply, products } = await longCart(22);
    expect(reply.type).toBe(7);
    expectWithinLimits(reply);
    const [first] = embedsOf(reply);
    const text = [first!.description ?? '', ...(first!.fields ?? []).map((x) => x.value)].join('\n');
    expect(text).toContain(`Your order now has 1 × ${products.at(-1)!.name}.`);
    expect(text).toContain('Enter the address to ship to.');
    // Each line is shown whole, or counted among those not shown.
    const shown = products.filter((p) => text.includes(`• 1 × ${p.name} — `));
    const more = /and (\d+) more items?/.exec(text);
    expect(shown.length + Number(more?.[1] ?? 0)).toBe(products.length);
  });
});

describe('a long cart on the review', () => {
  it('fits Discord when several lines have fewer left at Confirm and the review says so', async () => {
    const s = await longCart(24, '2');
    const shipping = await interact(
      h,
      modalInteraction(
        s.as,
        'order:address:modal',
        { name: 'Jo Doe', street: '1 Elm St', city: 'Springfield', state: 'IL', postal_country: '62701 US' },
        messageOf(s.reply),
      ),
    );
    const payment = await interact(
      h,
      componentInteraction(s.as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
    );
    const review = await interact(
      h,
      componentInteraction(s.as, 'order:payment-method-select', { values: ['VENMO_P2P'], message: messageOf(payment) }),
    );
    expectWithinLimits(review);
    const confirm = review.data.components!.flatMap((r) => r.components).find((c) => c.custom_id?.startsWith('order:confirm'))!;
    // Meanwhile three of the products sell down to one left each.
    for (const p of s.products.slice(0, 3)) await db.product.update({ where: { id: p.id }, data: { trackStock: true, stock: 1 } });
    const after = await interact(h, componentInteraction(s.as, confirm.custom_id!, { message: messageOf(review) }));
    expect(after.type).toBe(7);
    expectWithinLimits(after);
    const [first] = embedsOf(after);
    expect(first!.description).toContain('Your order changed since you reviewed it');
    expect(first!.description).toContain(`Only 1 of ${s.products[2]!.name} left now, so your order has 1.`);
  });
});
