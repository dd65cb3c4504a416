// Two admins record the same transfer from one admin post at the same moment ("Record amount received", the modal):
// the modal carries what its form showed as still owed, and recordReceipt checks it under the order's row lock, so the
// transfer is recorded once and the second admin is told someone recorded money meanwhile (nothing recorded, no
// overpayment told to the customer). A deliberate further receipt, from the post refreshed since, is recorded. A post
// still drawn before money recorded elsewhere is refused at the press of its button, and drawn again.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { partPaidZelleOrder } from './part-paid-order.js';
import { commandInteraction, componentInteraction, interact, modalInteraction, textOf, useHarness } from './harness.js';

const db = testDb();
const h = useHarness({ worker: true });

/** A Zelle order of $55.00 with $20.00 recorded (/payment-confirm amount), its admin post, and two admins. */
async function partlyPaidOrder() {
  const { s, order, posted, admins, content, post } = await partPaidZelleOrder(h, 2);
  /**
   * Presses "Record amount received" on the post (as it is now, or as an admin's Discord still showed it): the modal's
   * custom id and its amount label. `button`: another id than the post's (one drawn before buttons carried an amount).
   */
  const openModal = async (admin: (typeof admins)[number], shown = post(), button = recordButtonOf(shown)) => {
    const opened = await interact(h, componentInteraction(admin, button, { message: shown }));
    expect(opened.type).toBe(9);
    const data = opened.data as { custom_id: string; components: { components: { custom_id: string; label: string }[] }[] };
    const label = data.components.flatMap((r) => r.components).find((c) => c.custom_id === 'amount')!.label;
    return { id: data.custom_id, label };
  };
  const open = async (admin: (typeof admins)[number], shown = post(), button = recordButtonOf(shown)) =>
    (await openModal(admin, shown, button)).id;
  return { ...s, order, posted, admins, content, post, open, openModal };
}

/** The custom id of the post's "Record amount received" button. */
function recordButtonOf(post: Record<string, unknown>): string {
  const buttons = ((post.components ?? []) as { components: { custom_id?: string; label?: string }[] }[]).flatMap((r) => r.components);
  const record = buttons.find((b) => b.label === 'Record amount received');
  expect(record, 'the post\'s "Record amount received" button').toBeDefined();
  return record!.custom_id!;
}

const customerDms = (discordUserId: string) =>
  h.fake
    .directMessages()
    .filter((m) => m.userId === discordUserId)
    .map((m) => JSON.stringify(m.body));

async function jobsLeft(orderId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload::text LIKE ${`%${orderId}%`}`;
  return row!.n;
}

describe('two admins recording the same transfer from one post', () => {
  it('records the $35.00 once: the order is paid, the other admin is told, the customer hears of no overpayment', async () => {
    const s = await partlyPaidOrder();
    const [a, b] = s.admins as [(typeof s.admins)[number], (typeof s.admins)[number]];
    const [idA, idB] = [await s.open(a), await s.open(b)];
    expect(idB).toBe(idA);

    const answers = await Promise.all([
      interact(h, modalInteraction(a, idA, { amount: '35.00', note: 'zelle 1' }, s.post())),
      interact(h, modalInteraction(b, idB, { amount: '35.00', note: 'zelle 1' }, s.post())),
    ]);

    const receipts = await db.paymentReceipt.findMany({ where: { orderId: s.order.id }, orderBy: { createdAt: 'asc' } });
    expect(receipts.map((r) => r.amountCents)).toEqual([2000, 3500]);
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 5500 });
    const told = answers.filter((r) => textOf(r).includes('meanwhile'));
    expect(told).toHaveLength(1);
    expect(told[0]!.data.flags).toBe(64);
    const first = (await db.paymentReceipt.findFirstOrThrow({ where: { orderId: s.order.id, amountCents: 3500 } })).actorId;
    expect(textOf(told[0])).toContain(
      `Order #${s.order.number} now has nothing still owed ($55.00 received): <@${first}> recorded $35.00 meanwhile. This was not recorded, so nothing counts twice. Check the order, then record again if this is another payment.`,
    );
    expect(answers.filter((r) => textOf(r).includes('Approved by'))).toHaveLength(1);

    // The post shows the order paid with what came in, and nothing overpaid.
    await waitFor('the post to show the order paid', () => (/\$55\.00 of \$55\.00 received/.test(s.content()) ? true : null));
    expect(s.content()).not.toMatch(/overpaid|still owed/);

    // The customer's receipt, and once every job of the order ran, no word of money sent beyond the total.
    await waitFor('the receipt DM', () =>
      customerDms(s.customer.discordUserId).find((d) => d.includes(`receipt for order #${s.order.number}`)),
    );
    await waitFor('the order jobs to finish', async () => ((await jobsLeft(s.order.id)) === 0 ? true : null));
    for (const dm of customerDms(s.customer.discordUserId)) expect(dm).not.toContain('more than the total');
    // What the forms showed as received, which the modals carried.
    expect(idA).toBe(`payment:receipt-modal:${s.order.payment.id}:r2000`);
  });

  it('a part recorded twice at once counts once; recording again from the refreshed post, or from an older modal, records it', async () => {
    const s = await partlyPaidOrder();
    const [a, b] = s.admins as [(typeof s.admins)[number], (typeof s.admins)[number]];
    const [idA, idB] = [await s.open(a), await s.open(b)];

    const answers = await Promise.all([
      interact(h, modalInteraction(a, idA, { amount: '10', note: '' }, s.post())),
      interact(h, modalInteraction(b, idB, { amount: '10', note: '' }, s.post())),
    ]);
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({
      status: 'PENDING_PAYMENT',
      amountReceivedCents: 3000,
    });
    expect(await db.paymentReceipt.count({ where: { orderId: s.order.id } })).toBe(2);
    const told = answers.find((r) => textOf(r).includes('meanwhile'));
    expect(textOf(told)).toContain(`Order #${s.order.number} now has $25.00 still owed ($30.00 received): <@`);
    const updated = answers.find((r) => r !== told)!;
    expect(updated.type).toBe(7);
    expect(textOf(updated)).toContain('$30.00 of $55.00 received · $25.00 still owed');

    // The post refreshed since (the receipt's admin-message job): a form opened from it shows what is owed now, and
    // another payment recorded from it counts.
    await waitFor('the post to show $25.00 owed', () => (s.content().includes('$25.00 still owed') ? true : null));
    const again = await s.open(b);
    expect(again).toBe(`payment:receipt-modal:${s.order.payment.id}:r3000`);
    const recorded = await interact(h, modalInteraction(b, again, { amount: '10', note: 'second transfer' }, s.post()));
    expect(textOf(recorded)).toContain('$40.00 of $55.00 received · $15.00 still owed');

    // A modal opened before forms carried what they showed (no amount in its id) is recorded as before.
    const old = await interact(
      h,
      modalInteraction(a, `payment:receipt-modal:${s.order.payment.id}`, { amount: '15', note: 'old form' }, s.post()),
    );
    expect(textOf(old)).toContain('Approved by');
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 5500 });
    expect(await db.paymentReceipt.count({ where: { orderId: s.order.id } })).toBe(4);

    // A modal opened while ids carried what was still owed (a bare amount) is still checked against it.
    const owedShape = await interact(
      h,
      modalInteraction(a, `payment:receipt-modal:${s.order.payment.id}:2500`, { amount: '10', note: 'owed form' }, s.post()),
    );
    expect(textOf(owedShape)).toContain(
      `Order #${s.order.number} now has nothing still owed ($55.00 received): someone recorded money meanwhile. This was not recorded, so nothing counts twice.`,
    );
    expect(await db.paymentReceipt.count({ where: { orderId: s.order.id } })).toBe(4);
  });

  it('an extra payment on a paid order, recorded by two admins at once, counts once: both forms showed nothing owed', async () => {
    const s = await partlyPaidOrder();
    const [a, b] = s.admins as [(typeof s.admins)[number], (typeof s.admins)[number]];
    await interact(h, commandInteraction(a, 'payment-confirm', { orderid: String(s.order.number) }));
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 5500 });
    // Both open "Record amount received" from a post drawn before its button carried the amount it showed (before
    // the deploy): the modal carries what the order has when it opens, nothing owed.
    const legacy = `payment:receipt:${s.order.payment.id}`;
    const [idA, idB] = [await s.open(a, s.post(), legacy), await s.open(b, s.post(), legacy)];

    const answers = await Promise.all([
      interact(h, modalInteraction(a, idA, { amount: '10', note: 'zelle again' }, s.post())),
      interact(h, modalInteraction(b, idB, { amount: '10', note: 'zelle again' }, s.post())),
    ]);
    const extra = await db.paymentReceipt.findMany({ where: { orderId: s.order.id, amountCents: 1000 } });
    expect(extra).toHaveLength(1);
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({ amountReceivedCents: 6500 });
    const told = answers.filter((r) => textOf(r).includes('meanwhile'));
    expect(told).toHaveLength(1);
    expect(told[0]!.data.flags).toBe(64);
    expect(textOf(told[0])).toContain(
      `Order #${s.order.number} now has nothing still owed ($65.00 received): <@${extra[0]!.actorId}> recorded $10.00 meanwhile. This was not recorded, so nothing counts twice. Check the order, then record again if this is another payment.`,
    );
    expect(answers.filter((r) => textOf(r).includes('recorded more'))).toHaveLength(1);
    // What the forms showed as received, which the modals carried.
    expect(idA).toBe(`payment:receipt-modal:${s.order.payment.id}:r5500`);
  });

  it('money recorded elsewhere before the post is refreshed: "Record amount received" on the post as drawn is refused at the press, and the post is redrawn', async () => {
    const s = await partlyPaidOrder();
    const [a, b] = s.admins as [(typeof s.admins)[number], (typeof s.admins)[number]];
    // The post as admin B's Discord shows it: $20.00 received, $35.00 still owed.
    const drawn = s.post();
    expect(recordButtonOf(drawn)).toBe(`payment:receipt:${s.order.payment.id}:r2000`);
    // Admin A records a $10.00 transfer by /payment-confirm; Discord refuses the post's edit after it (the job that
    // refreshes it ends on a 4xx), so the post still shows $20.00 received.
    const postPath = new RegExp(`^${s.posted.path}$`);
    h.fake.fail({ method: 'PATCH', path: postPath, status: 403, body: { message: 'Missing Access', code: 50001 } });
    await interact(h, commandInteraction(a, 'payment-confirm', { orderid: String(s.order.number), amount: 1000 }));
    await waitFor('the refused edit', () => (h.fake.find('PATCH', postPath).some((c) => c.status === 403) ? true : null));
    expect(recordButtonOf(s.post())).toBe(`payment:receipt:${s.order.payment.id}:r2000`);

    // Admin B presses "Record amount received" on it: told at once, before typing anything, and only they see it.
    const pressed = await interact(h, componentInteraction(b, recordButtonOf(drawn), { message: drawn }));
    expect(pressed.type).toBe(4);
    expect(pressed.data.flags).toBe(64);
    const receipts = await db.paymentReceipt.findMany({ where: { orderId: s.order.id }, orderBy: { createdAt: 'asc' } });
    expect(receipts.map((r) => r.amountCents)).toEqual([2000, 1000]);
    expect(textOf(pressed)).toContain(
      `Order #${s.order.number} now has $25.00 still owed ($30.00 received): <@${a.user.id}> recorded $10.00 meanwhile. Nothing was recorded. This post is being refreshed with what the order has received now: press "Record amount received" on it again if another payment arrived.`,
    );

    // The post is drawn again: its button carries what the order has received now, and opens a form that adds to it.
    await waitFor('the post redrawn with $30.00 received', () =>
      recordButtonOf(s.post()) === `payment:receipt:${s.order.payment.id}:r3000` ? true : null,
    );
    expect(s.content()).toContain('$30.00 of $55.00 received · $25.00 still owed');
    const modal = await s.openModal(b);
    expect(modal.id).toBe(`payment:receipt-modal:${s.order.payment.id}:r3000`);
    expect(modal.label).toBe('Amount (USD), received so far: $30.00');
    expect(await db.paymentReceipt.count({ where: { orderId: s.order.id } })).toBe(2);
  });

  it('/payment-confirm with an amount, sent by two admins at once, records it once; one sent after it records again', async () => {
    const s = await partlyPaidOrder();
    const [a, b] = s.admins as [(typeof s.admins)[number], (typeof s.admins)[number]];
    // Both sent before either is recorded (an interaction's id is stamped by Discord when the admin sends it).
    const sent = [a, b].map((admin) => commandInteraction(admin, 'payment-confirm', { orderid: String(s.order.number), amount: 3500 }));
    const answers = await Promise.all(sent.map((i) => interact(h, i)));

    const receipts = await db.paymentReceipt.findMany({ where: { orderId: s.order.id }, orderBy: { createdAt: 'asc' } });
    expect(receipts.map((r) => r.amountCents)).toEqual([2000, 3500]);
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 5500 });
    const told = answers.filter((r) => textOf(r).includes('meanwhile'));
    expect(told).toHaveLength(1);
    expect(told[0]!.data.flags).toBe(64);
    expect(textOf(told[0])).toContain(
      `Order #${s.order.number} now has nothing still owed ($55.00 received): <@${receipts[1]!.actorId}> recorded $35.00 meanwhile. This was not recorded, so nothing counts twice.`,
    );

    // Sent once the first was recorded: the admin could have known, so it is another payment (an extra receipt).
    const later = await interact(h, commandInteraction(b, 'payment-confirm', { orderid: String(s.order.number), amount: 500 }));
    expect(textOf(later)).toContain('Recorded $5.00 received');
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({ amountReceivedCents: 6000 });
  });
});
