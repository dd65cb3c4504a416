// The review's note (what changed since the customer reviewed it) on a long cart, through signed requests: with
// many changed lines and the shop's long payment instructions, the answer stays within Discord's limits (6000
// characters a message), every change is shown whole or counted ("and N more changes"), and the sentence closing
// the note (what to click now) is kept. Otherwise the note was cut mid-line at 4096 characters, losing the last
// changes and the closing sentence, and the item fields were given no room: Discord refused the answer and the
// phone said "This interaction failed".
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, componentInteraction, interact, member, messageOf, modalInteraction, useHarness } from './harness.js';
import { embedsOf, expectEmbedsWithinLimits } from './embed-limits.js';

const f = factories();
const db = testDb();
const h = useHarness();

/** Long Venmo instructions over several lines (1,600 characters: the panel now takes 1,000, the column any length). */
const LONG_INSTRUCTIONS = Array.from({ length: 16 }, (_, i) => `Step ${i}: ${'x'.repeat(89)}`).join('\n');

/** A shop with long Venmo instructions and `n` products of 190-character names, all in a customer's order, at its review. */
async function reviewedLongCart(n: number) {
  const s = await f.shop({ tenant: { paymentInstructions: { VENMO_P2P: { instructions: LONG_INSTRUCTIONS } } } });
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const products = [];
  for (let i = 0; i < n; i++) {
    products.push(
      await f.product({ tenantId: s.tenant.id, sortOrder: -100 + i, name: `Item ${String(i).padStart(2, '0')} ${'n'.repeat(182)}` }),
    );
  }
  let reply = await interact(h, commandInteraction(as, 'order'));
  for (const p of products) reply = await interact(h, modalInteraction(as, `order:qty-modal:${p.id}`, { quantity: '2' }, messageOf(reply)));
  const shipping = await interact(
    h,
    modalInteraction(
      as,
      'order:address:modal',
      { name: 'Jo Doe', street: '1 Elm St', city: 'Springfield', state: 'IL', postal_country: '62701 US' },
      messageOf(reply),
    ),
  );
  const payment = await interact(
    h,
    componentInteraction(as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
  );
  const review = await interact(
    h,
    componentInteraction(as, 'order:payment-method-select', { values: ['VENMO_P2P'], message: messageOf(payment) }),
  );
  expectEmbedsWithinLimits(embedsOf(review));
  const confirm = review.data.components!.flatMap((r) => r.components).find((c) => c.custom_id?.startsWith('order:confirm'))!;
  const pressConfirm = () => interact(h, componentInteraction(as, confirm.custom_id!, { message: messageOf(review) }));
  return { ...s, products, pressConfirm };
}

/** Each of `changes` is in `note` whole, or counted by its "and N more changes" line. */
function expectEveryChangeShownOrCounted(note: string, changes: readonly string[]) {
  const lines = note.split('\n');
  const shown = changes.filter((c) => lines.some((l) => l === c || l === `• ${c}`));
  const more = /^and (\d+) more changes?/m.exec(note);
  expect(shown.length + Number(more?.[1] ?? 0)).toBe(changes.length);
  // No line of the note is cut: each is a change, the heading, the "more" line or the closing sentence.
  for (const l of lines.filter(Boolean))
    expect(changes.some((c) => l === c || l === `• ${c}`) || /^\*\*Your order changed|^and \d+ more change|^Click /.test(l)).toBe(true);
}

describe('the review note on a long cart', () => {
  it('fits Discord when 20 lines sold down at Confirm, each change whole or counted', async () => {
    const s = await reviewedLongCart(20);
    // Meanwhile every product sells down to one left.
    for (const p of s.products) await db.product.update({ where: { id: p.id }, data: { trackStock: true, stock: 1 } });
    const after = await s.pressConfirm();
    expect(after.type).toBe(7);
    expectEmbedsWithinLimits(embedsOf(after));
    const [first] = embedsOf(after);
    expect(first!.description).toMatch(/^\*\*Your order changed since you reviewed it:\*\*/);
    expect(first!.description).toContain(`Only 1 of ${s.products[0]!.name} left now, so your order has 1.`);
    expectEveryChangeShownOrCounted(
      first!.description!,
      s.products.map((p) => `Only 1 of ${p.name} left now, so your order has 1.`),
    );
    expect(first!.fields!.some((x) => x.name.startsWith('Items'))).toBe(true);
  });

  it('keeps the closing sentence when 20 prices changed at Confirm', async () => {
    const s = await reviewedLongCart(20);
    for (const p of s.products) await db.product.update({ where: { id: p.id }, data: { unitPriceCents: p.unitPriceCents + 100 } });
    const after = await s.pressConfirm();
    expect(after.type).toBe(7);
    expectEmbedsWithinLimits(embedsOf(after));
    const [first] = embedsOf(after);
    const note = first!.description!;
    expect(note).toMatch(/^\*\*Your order changed since you reviewed it:\*\*/);
    expect(note.endsWith('Click **Confirm & submit** to place it at these amounts.')).toBe(true);
    const changed = note.split('\n').filter((l) => / is now \$/.test(l) || /^Total is now/.test(l.replace(/^• /, '')));
    expect(changed.length).toBeGreaterThan(0);
    const changes = [...note.matchAll(/^• (.*)$/gm)].map((m) => m[1]!);
    const more = /^and (\d+) more changes?/m.exec(note);
    // 20 prices and the total changed: each is a whole line or counted.
    expect(changes.length + Number(more?.[1] ?? 0)).toBe(21);
    for (const c of changes) expect(c).toMatch(/^Item \d\d n{182} is now \$\d+\.\d\d \(was \$\d+\.\d\d\)\.$|^Total is now /);
    expect(first!.fields!.some((x) => x.name.startsWith('Items'))).toBe(true);
  });
});
