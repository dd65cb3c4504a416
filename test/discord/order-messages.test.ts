// What the customer and the admins are told, through signed interactions: every line of a long order (the
// review in the order the customer added them, the admin-channel post and the order DM, each line whole, split
// over "Items (1/2)"… within Discord's limits); a repeated submit that still names the order; the payment
// wording that fits the method (Pay now for PayPal, the payment reference for Venmo, the same in the DM);
// and error and admin answers that say each sentence once, with the `/order` hint only for the /order flow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePayPal } from '../../src/dev/fakes/fake-paypal.js';
import { formatMoney } from '../../src/platform/money.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { withTransaction } from '../../src/platform/db/prisma.js';
import { adminCtx } from '../helpers/actors.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  commandInteraction,
  componentInteraction,
  customIdsOf,
  interact,
  member,
  messageOf,
  modalInteraction,
  startHarness,
  textOf,
  type Harness,
  type Reply,
} from './harness.js';
import { expectEmbedsWithinLimits, type Embed } from './embed-limits.js';
import { ELM_ST, walkToReview } from './flows.js';

let h: Harness;
let paypal: FakePayPal;
const f = factories();
const db = testDb();

beforeAll(async () => {
  paypal = await new FakePayPal().start();
  h = await startHarness({ worker: true, env: { PAYPAL_API_BASE_URL: paypal.url, PUBLIC_BASE_URL: 'http://shop.example' } });
});
afterAll(async () => {
  await h.stop();
  await paypal.stop();
});

async function shop() {
  const s = await f.shop();
  const customer = member({ id: s.customer.discordUserId });
  const admin = member({ roles: [s.tenant.adminRoleIds[0]!] });
  return { ...s, as: (user = customer) => ({ guildId: s.guild.id, user }), admin };
}

/** The item lines of an embed, in the order shown, from its "Items" or "Items (i/n)" fields. */
const itemLinesOf = (e: Embed | undefined) =>
  (e?.fields ?? []).filter((x) => /^Items( \(\d+\/\d+\))?$/.test(x.name)).flatMap((x) => x.value.split('\n'));

/** Discord's limits for one message (shared/docs/discord.md). */
const expectWithinDiscordLimits = expectEmbedsWithinLimits;

const dmsTo = (userId: string, text: string) =>
  h.fake.directMessages().filter((m) => m.userId === userId && JSON.stringify(m.body).includes(text));

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))?.length ?? 0;

describe('a long order', () => {
  it('15 lines: the review lists every line whole in the order added, and so do the admin post and the DM', async () => {
    const s = await shop();
    // Added from 15 down to 1: neither the names' order nor (but by chance) the product ids' order.
    const products: Awaited<ReturnType<typeof f.product>>[] = [];
    for (let i = 15; i >= 1; i--) {
      const n = String(i).padStart(2, '0');
      products.push(
        await f.product({
          tenantId: s.tenant.id,
          name: `Enamel pin ${n}, gold plated, hard enamel, limited run of 50`,
          unitPriceCents: 100 + i,
        }),
      );
    }
    const lineOf = (p: (typeof products)[number]) =>
      `• 1 × ${p.name} @ ${formatMoney(p.unitPriceCents, 'USD')} = ${formatMoney(p.unitPriceCents, 'USD')}`;
    const expected = products.map(lineOf);
    expect(expected.join('\n').length).toBeGreaterThan(1024);

    const as = s.as();
    let step: Reply = await interact(h, commandInteraction(as, 'order'));
    for (const p of products) step = await interact(h, modalInteraction(as, `order:qty-modal:${p.id}`, { quantity: '1' }, messageOf(step)));
    const shipping = await interact(h, modalInteraction(as, 'order:address:modal', ELM_ST, messageOf(step)));
    const payment = await interact(
      h,
      componentInteraction(as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
    );
    const review = await interact(
      h,
      componentInteraction(as, 'order:payment-method-select', { values: ['VENMO_P2P'], message: messageOf(payment) }),
    );
    const embeds = review.data.embeds as Embed[];
    expect(itemLinesOf(embeds[0])).toEqual(expected);
    expect(embeds[0]!.fields!.map((x) => x.name)).toEqual(['Items (1/2)', 'Items (2/2)', 'Totals', 'Ship to', 'Payment']);
    expect(textOf(review)).not.toContain('…');
    expectWithinDiscordLimits(embeds);

    const submitted = await interact(h, componentInteraction(as, customIdsOf(review)[0]!, { message: messageOf(review) }));
    expect(textOf(submitted)).toContain('Order submitted');
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });

    const post = await h.fake.waitFor(
      (c) =>
        c.method === 'POST' &&
        c.path === `/channels/${s.tenant.adminChannelId}/messages` &&
        JSON.stringify(c.body).includes(`#${order.number}`),
    );
    const postEmbeds = (post.body as { embeds: Embed[] }).embeds;
    // Every line, whole, in the order added (they were read back by name: 01..15).
    expect(itemLinesOf(postEmbeds[0])).toEqual(expected);
    expect(JSON.stringify(post.body)).not.toContain('…');
    expectWithinDiscordLimits(postEmbeds);

    const dm = await waitFor('the order DM', () => dmsTo(s.customer.discordUserId, `order #${order.number} received`)[0]);
    const dmEmbeds = (dm.body as { embeds: Embed[] }).embeds;
    expect(itemLinesOf(dmEmbeds[0])).toEqual(expected);
    expect(JSON.stringify(dm.body)).not.toContain('…');
    expectWithinDiscordLimits(dmEmbeds);
  });
});

describe('"Order submitted" and the payment wording', () => {
  it('Venmo: a repeated submit names the order again; both answers and the DM name the same payment reference', async () => {
    const s = await shop();
    const { review } = await walkToReview(h, s.as(), { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id });
    expect(textOf(review)).toContain('Put the payment reference you get with the order in the payment note.');
    expect(textOf(review)).not.toContain('Include your order number');

    const confirm = () => interact(h, componentInteraction(s.as(), customIdsOf(review)[0]!, { message: messageOf(review) }));
    const first = await confirm();
    const again = await confirm();
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    const note = `Put the payment reference **${order.paymentReference}** in the payment note`;

    expect(textOf(first)).toContain(`Your order **#${order.number}** is placed.`);
    expect(textOf(again)).toContain(`Your order **#${order.number}** was already submitted; here it is again.`);
    for (const answer of [first, again]) {
      expect(textOf(answer)).toContain('Pay @shop on Venmo');
      expect(textOf(answer)).toContain(note);
      expect(textOf(answer)).toContain('An admin will confirm the payment and you will get a receipt by DM.');
      expect(textOf(answer)).not.toContain('Include your order number');
    }
    // Everything the first answer showed: every paragraph after the first sentence, and its buttons.
    const paragraphs = (r: Reply) => (r.data?.embeds?.[0]?.description ?? '').split('\n\n').slice(1);
    expect(paragraphs(again)).toEqual(paragraphs(first));
    expect(customIdsOf(again)).toEqual(customIdsOf(first));

    const dm = await waitFor('the order DM', () => dmsTo(s.customer.discordUserId, `order #${order.number} received`)[0]);
    expect(JSON.stringify(dm.body)).toContain(note);
    // The deadline "Order submitted" gave, in the DM that stays (it said only "Please pay"; the answer is ephemeral).
    const dueAt = Math.floor(order.paymentDueAt!.getTime() / 1000);
    const payBy = `Pay by <t:${dueAt}:f> (<t:${dueAt}:R>): an order still unpaid then is cancelled and its items released.`;
    expect(textOf(first)).toContain(payBy);
    expect(JSON.stringify(dm.body)).toContain(payBy);
  });

  it('PayPal: pay with Pay now on the invoice page, confirmed automatically; no admin, no payment note', async () => {
    const s = await shop();
    paypal.addApp(`AcL-${s.tenant.id}`, 'EL-secret-discord-0002');
    const ctx = adminCtx(s.tenant.id);
    await h.t.services.paymentConnections.connect(ctx, {
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId: `AcL-${s.tenant.id}`, webhookId: 'WH-X' },
      secrets: { clientSecret: 'EL-secret-discord-0002' },
    });
    await h.t.services.paymentConnections.test(ctx, 'PAYPAL');
    // As pay-link.test.ts does: the methods enabled once the connection works.
    await h.t.services.db.tenant.update({ where: { id: s.tenant.id }, data: { enabledPaymentMethods: ['VENMO_P2P', 'PAYPAL'] } });
    const { review } = await walkToReview(h, s.as(), {
      productId: s.products[0]!.id,
      shippingTypeId: s.shippingType.id,
      paymentMethod: 'PAYPAL',
    });
    const submitted = await interact(h, componentInteraction(s.as(), customIdsOf(review)[0]!, { message: messageOf(review) }));
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    const dm = await waitFor('the order DM', () => dmsTo(s.customer.discordUserId, `order #${order.number} received`)[0]);

    expect(textOf(review)).toContain('once the order is placed, press **Pay now** to pay on its invoice page');
    expect(textOf(submitted)).toContain("Pay with PayPal: press **Pay now** to pay on the order's invoice page.");
    expect(JSON.stringify(dm.body)).toContain("Pay with PayPal: press **Pay now** to pay on the order's invoice page.");
    for (const text of [textOf(review), textOf(submitted), JSON.stringify(dm.body)]) {
      expect(text).toContain('The payment is confirmed automatically');
      expect(text).not.toMatch(/an admin/i);
      expect(text).not.toContain('payment note');
      expect(text).not.toContain('Include your order number');
    }
  });
});

describe('each sentence once; the /order hint only in the /order flow', () => {
  /** An unpaid Venmo order of $23.00 placed as submit does (order.created), and an admin. */
  async function placedOrder() {
    const s = await shop();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      lines: [{ productId: s.products[0]!.id, name: 'Tee', quantity: 1, unitPriceCents: 2300 }],
    });
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.orderCreated, { tenantId: s.tenant.id, orderId: order.id }));
    return { ...s, order, asAdmin: s.as(s.admin) };
  }

  it('approving a rejected order: the refusal, with no customer hint', async () => {
    const s = await placedOrder();
    await interact(h, modalInteraction(s.asAdmin, `payment:reject-modal:${s.order.payment.id}`, { reason: 'Nothing arrived' }));
    const res = await interact(h, componentInteraction(s.asAdmin, `payment:approve:${s.order.payment.id}`));
    expect(textOf(res)).toMatch(/cannot be marked as paid/);
    expect(textOf(res)).not.toContain('/order');
  });

  it('"Record amount received" with $40.00 on a $23.00 order says the overpayment once', async () => {
    const s = await placedOrder();
    const onMessage = { id: '1', channel_id: s.tenant.adminChannelId, embeds: [{ title: `New order #${s.order.number}` }], components: [] };
    const res = await interact(
      h,
      modalInteraction(s.asAdmin, `payment:receipt-modal:${s.order.payment.id}`, { amount: '40.00', note: '' }, onMessage),
    );
    expect(textOf(res)).toContain('Approved by');
    expect(textOf(res)).toContain('overpaid by $17.00');
    expect(count(textOf(res), /overpaid by/i)).toBe(1);
    expect(count(textOf(res), /return the difference/)).toBe(1);
  });

  it('/payment-confirm with part of the total says what is still owed once', async () => {
    const s = await placedOrder();
    const res = await interact(h, commandInteraction(s.asAdmin, 'payment-confirm', { orderid: String(s.order.number), amount: 1400 }));
    expect(textOf(res)).toContain('$14.00 of $23.00 received.');
    expect(textOf(res)).toContain('Still owed: $9.00.');
    expect(count(textOf(res), /still owed/i)).toBe(1);
  });

  it('an expired session says it expired once, then how to start again', async () => {
    const s = await shop();
    const { payment } = await walkToReview(h, s.as(), { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id });
    await db.orderSession.updateMany({ where: { tenantId: s.tenant.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await interact(
      h,
      componentInteraction(s.as(), 'order:payment-method-select', { values: ['ZELLE'], message: messageOf(payment) }),
    );
    expect(res.data.embeds?.[0]?.description).toBe(
      'Your order session expired after a period of inactivity.\nRun `/order` to start a new one.',
    );
    expect(count(JSON.stringify(res.data.embeds), /expired/)).toBe(2); // the title "Session expired" and the one sentence
  });
});
