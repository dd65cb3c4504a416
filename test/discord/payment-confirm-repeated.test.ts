// /payment-confirm amount: typed again by the same admin after the first was recorded (unsure it went through, or sent
// twice from the command history) recorded the money twice. The same admin's same amount for the same order within
// minutes is now asked about first, only to them: nothing is recorded until they press "Record another $20.00", which
// records it once (a second press is refused). Another admin's command, or another amount, is recorded as before.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { partPaidZelleOrder } from './part-paid-order.js';
import { commandInteraction, componentInteraction, customIdsOf, interact, messageOf, textOf, useHarness } from './harness.js';

const db = testDb();
const h = useHarness({ worker: true });

describe('/payment-confirm amount: sent again by the same admin', () => {
  it('asks before recording the same amount twice; the confirmation records it once', async () => {
    // $20.00 of the $55.00 recorded by admin A (/payment-confirm amount:2000).
    const { s, order, admins } = await partPaidZelleOrder(h, 2);
    const [a, b] = admins as [(typeof admins)[number], (typeof admins)[number]];
    const amounts = async () =>
      (await db.paymentReceipt.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } })).map((r) => r.amountCents);

    const again = await interact(h, commandInteraction(a, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
    expect(again.type).toBe(4);
    expect(again.data.flags).toBe(64);
    expect(textOf(again)).toContain(`Record another $20.00 on order #${order.number}?`);
    expect(textOf(again)).toContain('You recorded $20.00 received on this order <t:');
    expect(textOf(again)).toContain('The order has $20.00 received, $35.00 still owed.');
    expect(await amounts()).toEqual([2000]);
    const confirm = `payment:receipt-again:${order.id}:2000:r2000`;
    expect(customIdsOf(again)).toEqual([confirm]);

    // A second payment of $20.00 did arrive: the button records it, and the question becomes the answer.
    const recorded = await interact(h, componentInteraction(a, confirm, { message: messageOf(again) }));
    expect(recorded.type).toBe(7);
    expect(textOf(recorded)).toContain(`Recorded $20.00 received on order #${order.number}`);
    expect(customIdsOf(recorded)).toEqual([]);
    expect(await amounts()).toEqual([2000, 2000]);

    // Pressed again (a double click): refused, nothing recorded twice.
    const twice = await interact(h, componentInteraction(a, confirm, { message: messageOf(again) }));
    expect(twice.data.flags).toBe(64);
    expect(textOf(twice)).toContain(
      `Order #${order.number} now has $15.00 still owed ($40.00 received): <@${a.user.id}> recorded $20.00 meanwhile. This was not recorded`,
    );
    expect(await amounts()).toEqual([2000, 2000]);

    // Another admin's same amount is theirs to know about: recorded as before, as is another amount from admin A.
    const other = await interact(h, commandInteraction(b, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
    expect(textOf(other)).toContain(`Order #${order.number} marked as paid`);
    const more = await interact(h, commandInteraction(a, 'payment-confirm', { orderid: String(order.number), amount: 500 }));
    expect(textOf(more)).toContain(`Recorded $5.00 received on order #${order.number}`);
    expect(await amounts()).toEqual([2000, 2000, 2000, 500]);
    expect(s.tenant.id).toBe(order.tenantId);
  });
});
