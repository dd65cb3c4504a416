// Manual payments matched to orders: every order has a short payment reference unique in its shop, which
// the payment-instructions DM asks for and the admin-channel embed shows; admins record the money that
// arrived (/payment-confirm amount, the embed's "Record amount received" modal, the REST API, the panel);
// parts accumulate, the order is PAID once they cover the total, more than the total is flagged, and two
// admins recording at once lose nothing.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { adminCtx } from '../helpers/actors.js';
import { loggedIn } from '../admin/admin-helpers.js';
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
} from './harness.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { withTransaction } from '../../src/platform/db/prisma.js';
import { waitFor } from '../helpers/wait-for.js';

let h: Harness;
let server: Server;
let baseUrl: string;
const f = factories();
const db = testDb();

beforeAll(async () => {
  h = await startHarness({ worker: true });
  server = await new Promise<Server>((resolve) => {
    const s = h.t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h.stop();
});

const REFERENCE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;

function dmsTo(userId: string, text: string) {
  return h.fake.directMessages().filter((m) => m.userId === userId && JSON.stringify(m.body).includes(text));
}

/** A shop with an admin member and an API key, and an unpaid Venmo order of $45.00 placed as submit does (order.created). */
async function placedOrder() {
  const s = await f.shop();
  const [p1, p2] = s.products;
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    lines: [
      { productId: p1!.id, name: 'Tee', quantity: 1, unitPriceCents: 2500 },
      { productId: p2!.id, name: 'Mug', quantity: 4, unitPriceCents: 500 },
    ],
  });
  await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.orderCreated, { tenantId: s.tenant.id, orderId: order.id }));
  const admin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
  const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'test key', 'READ_WRITE');
  const auth = { authorization: `Bearer ${key}` };
  const row = await db.order.findUniqueOrThrow({ where: { id: order.id } });
  return { ...s, order: { ...order, paymentReference: row.paymentReference! }, admin, auth };
}

const adminPosts = (channelId: string, text: string) =>
  h.fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages` && JSON.stringify(c.body).includes(text));
const adminEdits = (text: string) =>
  h.fake.calls.filter(
    (c) => c.method === 'PATCH' && /^\/channels\/\d+\/messages\/\d+$/.test(c.path) && JSON.stringify(c.body).includes(text),
  );

describe('payment reference', () => {
  it('is given to every order, unique in the shop, and shown in the instructions DM and the admin embed', async () => {
    const s = await placedOrder();
    expect(s.order.paymentReference).toMatch(REFERENCE);
    const dm = await waitFor('the order-received DM', () => dmsTo(s.customer.discordUserId, `order #${s.order.number} received`)[0]);
    expect(JSON.stringify(dm.body)).toContain(`Put the payment reference **${s.order.paymentReference}** in the payment note`);
    const embed = await waitFor(
      'the new-order post in the admin channel',
      () => adminPosts(s.tenant.adminChannelId!, `New order #${s.order.number}`)[0],
    );
    expect(JSON.stringify(embed.body)).toContain(`\`${s.order.paymentReference}\``);
    expect(JSON.stringify(embed.body)).toContain(`payment:receipt:${s.order.payment.id}`);

    // 300 more orders inserted by 15 connections at once: 301 distinct references.
    let number = 100_000;
    await Promise.all(
      Array.from({ length: 15 }, async () => {
        for (let i = 0; i < 20; i++) {
          const n = number++;
          await db.$executeRaw`INSERT INTO orders ("tenantId", number, "customerId", "subtotalCents", "totalCents", "paymentMethod", "updatedAt")
          VALUES (${s.tenant.id}, ${n}, ${s.customer.id}, 100, 100, 'ZELLE', now())`;
        }
      }),
    );
    const refs = await db.order.findMany({ where: { tenantId: s.tenant.id }, select: { paymentReference: true } });
    expect(refs).toHaveLength(301);
    const many = await db.order.findMany({ where: { tenantId: s.tenant.id, number: { gte: 100_000 } }, take: 2 });
    expect(new Set(refs.map((r) => r.paymentReference)).size).toBe(refs.length);
    for (const r of refs) expect(r.paymentReference).toMatch(REFERENCE);
    // The database refuses a second order with a reference the shop already has, and a reference cannot be cleared.
    await expect(db.order.update({ where: { id: many[0]!.id }, data: { paymentReference: s.order.paymentReference } })).rejects.toThrow();
    const cleared = await db.order.update({ where: { id: many[1]!.id }, data: { paymentReference: null } });
    expect(cleared.paymentReference).toMatch(REFERENCE);
    // Another shop may draw the same one: it is unique per shop, not globally.
    const other = await f.shop();
    const theirs = await f.order({ tenantId: other.tenant.id, customerId: other.customer.id });
    await db.order.update({ where: { id: theirs.id }, data: { paymentReference: s.order.paymentReference } });
  });

  it('/payment-confirm finds the order by its reference, as the customer wrote it in the note', async () => {
    const s = await placedOrder();
    const res = await interact(h, commandInteraction(s.admin, 'payment-confirm', { orderid: s.order.paymentReference.toLowerCase() }));
    expect(textOf(res)).toContain(`Order #${s.order.number} marked as paid`);
  });
});

describe('recording money received', () => {
  it('/payment-confirm amount: part + part = PAID; the customer hears what is left, the embed shows what came in', async () => {
    const s = await placedOrder();
    await waitFor('the new-order post in the admin channel', () => adminPosts(s.tenant.adminChannelId!, `New order #${s.order.number}`)[0]);
    await waitFor(
      "the admin message's id on the order",
      async () => (await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).adminMessageId,
    );

    const part = await interact(h, commandInteraction(s.admin, 'payment-confirm', { orderid: String(s.order.number), amount: 2000 }));
    expect(part.data.flags).toBe(64);
    expect(textOf(part)).toContain(`Recorded $20.00 received on order #${s.order.number}`);
    expect(textOf(part)).toContain('Still owed: $25.00');
    let row = await db.order.findUniqueOrThrow({ where: { id: s.order.id } });
    expect(row).toMatchObject({ status: 'PENDING_PAYMENT', amountReceivedCents: 2000 });

    const dm = await waitFor(
      'the payment-received DM',
      () => dmsTo(s.customer.discordUserId, `payment received for order #${s.order.number}`)[0],
    );
    expect(JSON.stringify(dm.body)).toContain('$20.00 of $45.00 received');
    expect(JSON.stringify(dm.body)).toContain('Please send the remaining **$25.00**');
    const edited = await waitFor(
      'the admin message edited to "$20.00 of $45.00 received"',
      () => adminEdits('$20.00 of $45.00 received')[0],
    );
    expect(JSON.stringify(edited.body)).toContain('partly paid');

    const rest = await interact(h, commandInteraction(s.admin, 'payment-confirm', { orderid: s.order.id, amount: 2500 }));
    expect(textOf(rest)).toContain(`Order #${s.order.number} marked as paid`);
    row = await db.order.findUniqueOrThrow({ where: { id: s.order.id } });
    expect(row).toMatchObject({ status: 'PAID', amountReceivedCents: 4500 });
    expect(await db.paymentReceipt.count({ where: { orderId: s.order.id } })).toBe(2);
    await waitFor('the receipt DM', () => dmsTo(s.customer.discordUserId, `receipt for order #${s.order.number}`)[0]);
    // The part that completed it is told by the receipt, not by a second "payment received".
    expect(dmsTo(s.customer.discordUserId, `payment received for order #${s.order.number}`)).toHaveLength(1);

    // Without an amount on a paid order: the old answer, nothing recorded.
    const again = await interact(h, commandInteraction(s.admin, 'payment-confirm', { orderid: s.order.id }));
    expect(textOf(again)).toContain('was already paid');
    expect(await db.paymentReceipt.count({ where: { orderId: s.order.id } })).toBe(2);
  });

  it('a part payment is owed back when the order is cancelled: a to-do to send it, the DM and /refund say so', async () => {
    const s = await placedOrder();
    await waitFor(
      "the admin message's id on the order",
      async () => (await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).adminMessageId,
    );
    await interact(h, commandInteraction(s.admin, 'payment-confirm', { orderid: String(s.order.number), amount: 2000 }));

    // The customer cancels it from /orders (the confirmation button).
    const customer = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const done = await interact(h, componentInteraction(customer, `orders:cancel-confirm:${s.order.id}:0`));
    expect(textOf(done)).toMatch(/Your order is cancelled/);

    const row = await db.order.findUniqueOrThrow({ where: { id: s.order.id }, include: { refunds: true } });
    expect(row).toMatchObject({ status: 'CANCELLED', amountReceivedCents: 2000, refundedTotalCents: 2000 });
    expect(row.refunds).toHaveLength(1);
    expect(row.refunds[0]).toMatchObject({
      mode: 'PARTIAL_AMOUNT',
      amountCents: 2000,
      taxCents: 0,
      manualReturnMethod: row.paymentMethod,
      manualReturnDoneAt: null,
      actorType: 'CUSTOMER',
    });
    const entry = (await h.t.services.audit.listFor(s.tenant.id, 'Order', s.order.id)).find((x) => x.action === 'order.cancelled');
    expect(entry?.after).toMatchObject({ owedBack: { refundId: row.refunds[0]!.id, amountCents: 2000 } });

    const dm = await waitFor('the cancelled DM', () => dmsTo(s.customer.discordUserId, `order #${s.order.number} cancelled`)[0]);
    expect(JSON.stringify(dm.body)).toContain('Your payment of $20.00 is being returned to you.');

    // /refund does not pretend nothing came in; a second refund of the same money is refused.
    const refund = await interact(h, commandInteraction(s.admin, 'refund', { order: String(s.order.number) }));
    expect(textOf(refund)).toContain('The $20.00 received was recorded to send back to the customer');
    expect(await db.refund.count({ where: { orderId: s.order.id } })).toBe(1);

    // The order page has the to-do; ticking it done clears it.
    const a = await loggedIn(baseUrl, (await f.adminUser({ tenantId: s.tenant.id })).email);
    const page = await a.agent.get(`/admin/api/resources/Order/records/${s.order.id}/show`).set(a.headers()).expect(200);
    const detail = JSON.parse(page.body.record.params.detailJson);
    expect(detail.refunds[0].manualReturn).toMatchObject({ doneAt: null });
    expect(detail.refunds[0].manualReturn.instruction).toMatch(/^Send \$20\.00 back to .+ by /);
    await a.agent
      .post(`/admin/api/resources/Order/records/${s.order.id}/markRefundReturned`)
      .set(a.headers())
      .send({ refundId: row.refunds[0]!.id })
      .expect(200);
    expect((await db.refund.findUniqueOrThrow({ where: { id: row.refunds[0]!.id } })).manualReturnDoneAt).not.toBeNull();
  });

  it('an amount that would make more than twice the total received is refused as a slip, and nothing is recorded', async () => {
    const s = await placedOrder();
    const typo = await interact(
      h,
      commandInteraction(s.admin, 'payment-confirm', { orderid: String(s.order.number), amount: 999_999_999 }),
    );
    expect(textOf(typo)).toContain(
      `$9,999,999.99 would make $9,999,999.99 received on order #${s.order.number}, more than twice its total of $45.00. Check the amount.`,
    );
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({
      status: 'PENDING_PAYMENT',
      amountReceivedCents: 0,
    });
    expect(await db.paymentReceipt.count({ where: { orderId: s.order.id } })).toBe(0);

    // Paid in full, then paid again by mistake: up to twice the total is recorded (and flagged), not beyond. (The same
    // amount from the same admin minutes later is asked about first: payment-confirm-repeated.test.ts.)
    await interact(h, commandInteraction(s.admin, 'payment-confirm', { orderid: String(s.order.number), amount: 4500 }));
    const asked = await interact(h, commandInteraction(s.admin, 'payment-confirm', { orderid: String(s.order.number), amount: 4500 }));
    const twice = await interact(h, componentInteraction(s.admin, customIdsOf(asked)[0]!, { message: messageOf(asked) }));
    expect(textOf(twice)).toContain('Overpaid by $45.00');
    expect(textOf(twice)).not.toContain('Check the amount');
    const more = await interact(h, commandInteraction(s.admin, 'payment-confirm', { orderid: String(s.order.number), amount: 1 }));
    expect(textOf(more)).toContain('($90.00 is recorded already)');
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 9000 });
  });

  it('the "Record amount received" modal of a yen order suggests what is owed in whole yen', async () => {
    const s = await placedOrder();
    await db.order.update({ where: { id: s.order.id }, data: { currency: 'JPY' } });
    const onMessage = { id: '1', channel_id: s.tenant.adminChannelId, embeds: [{ title: `New order #${s.order.number}` }], components: [] };
    const opened = await interact(h, componentInteraction(s.admin, `payment:receipt:${s.order.payment.id}`, { message: onMessage }));
    const amount = JSON.stringify(opened.data).match(/"placeholder":"([^"]*)"/)?.[1];
    expect(amount).toBe('4500');
  });

  it('the embed\'s "Record amount received" modal: more than the total pays the order and flags the difference', async () => {
    const s = await placedOrder();
    const onMessage = {
      id: '1',
      channel_id: s.tenant.adminChannelId,
      embeds: [{ title: `New order #${s.order.number} · awaiting payment` }],
      components: [],
    };
    const opened = await interact(h, componentInteraction(s.admin, `payment:receipt:${s.order.payment.id}`, { message: onMessage }));
    expect(opened).toMatchObject({ type: 9, data: { custom_id: `payment:receipt-modal:${s.order.payment.id}:r0` } });
    expect(JSON.stringify(opened.data)).toContain('45.00');

    const bad = await interact(
      h,
      modalInteraction(s.admin, `payment:receipt-modal:${s.order.payment.id}`, { amount: 'twenty', note: '' }, onMessage),
    );
    expect(textOf(bad)).toMatch(/not an amount/);

    const partial = await interact(
      h,
      modalInteraction(s.admin, `payment:receipt-modal:${s.order.payment.id}`, { amount: '10', note: 'venmo 1' }, onMessage),
    );
    expect(partial.type).toBe(7);
    expect(textOf(partial)).toContain('$10.00 of $45.00 received · $35.00 still owed');

    const over = await interact(
      h,
      modalInteraction(s.admin, `payment:receipt-modal:${s.order.payment.id}`, { amount: '$40.00', note: 'venmo 2' }, onMessage),
    );
    expect(over.type).toBe(7);
    expect(textOf(over)).toContain('Approved by');
    expect(textOf(over)).toContain('overpaid by $5.00');

    const res = await request(h.t.app).get(`/api/orders/${s.order.id}`).set(s.auth).expect(200);
    expect(res.body).toMatchObject({
      status: 'PAID',
      amountReceivedCents: 5000,
      overpaidCents: 500,
      paymentReference: s.order.paymentReference,
    });
    expect(res.body.receipts.map((r: { amountCents: number; note: string }) => [r.amountCents, r.note])).toEqual([
      [1000, 'venmo 1'],
      [4000, 'venmo 2'],
    ]);
    const receipt = await waitFor('the receipt DM', () => dmsTo(s.customer.discordUserId, `receipt for order #${s.order.number}`)[0]);
    expect(JSON.stringify(receipt.body)).toContain('You sent $5.00 more than the total; the shop will return the difference.');
    const audit = await db.auditLog.findFirstOrThrow({
      where: { entityId: s.order.id, action: 'payment.receipt_recorded' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit.after).toMatchObject({ overpaidCents: 500 });

    // Money recorded on the order after it was paid: said as such, not as this admin's approval (review).
    const extra = await interact(
      h,
      modalInteraction(s.admin, `payment:receipt-modal:${s.order.payment.id}`, { amount: '1', note: 'venmo 3' }, onMessage),
    );
    expect(textOf(extra)).toContain(`Already paid; <@${s.admin.user.id}> recorded more`);
    expect(textOf(extra)).not.toContain('Approved by');
  });

  it('REST: receipts from two admins at the same moment all count; the order is paid exactly once', async () => {
    const s = await placedOrder();
    const post = (amountCents: number) =>
      request(h.t.app).post(`/api/orders/${s.order.id}/payment/receipts`).set(s.auth).send({ amountCents });
    const first = await Promise.all([post(1000), post(1000), post(1000), post(1000)]);
    expect(first.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    let row = await db.order.findUniqueOrThrow({ where: { id: s.order.id } });
    expect(row).toMatchObject({ status: 'PENDING_PAYMENT', amountReceivedCents: 4000 });

    const second = await Promise.all([post(500), post(500), post(500)]);
    expect(second.map((r) => r.status)).toEqual([201, 201, 201]);
    // "paid" is the order's state (REST documents it so); paid exactly once is the one confirmation below.
    expect(second.map((r) => r.body.order.status === 'PAID')).toEqual(second.map((r) => r.body.paid));
    expect(second.some((r) => r.body.paid)).toBe(true);
    row = await db.order.findUniqueOrThrow({ where: { id: s.order.id } });
    expect(row).toMatchObject({ status: 'PAID', amountReceivedCents: 5500 });
    const sum = await db.paymentReceipt.aggregate({ where: { orderId: s.order.id }, _sum: { amountCents: true }, _count: true });
    expect(sum).toMatchObject({ _sum: { amountCents: 5500 }, _count: 7 });
    const confirmations = await db.auditLog.count({ where: { entityId: s.order.id, action: 'payment.confirmed' } });
    expect(confirmations).toBe(1);
    expect((await request(h.t.app).get(`/api/orders/${s.order.id}`).set(s.auth)).body.overpaidCents).toBe(1000);

    // Refused on a cancelled order, and a bad amount is a 400.
    const cancelled = await placedOrder();
    await request(h.t.app).post(`/api/orders/${cancelled.order.id}/payment/reject`).set(cancelled.auth).send({ reason: 'no' }).expect(200);
    const refused = await request(h.t.app)
      .post(`/api/orders/${cancelled.order.id}/payment/receipts`)
      .set(cancelled.auth)
      .send({ amountCents: 100 });
    expect(refused.status).toBe(409);
    await request(h.t.app).post(`/api/orders/${s.order.id}/payment/receipts`).set(s.auth).send({ amountCents: -5 }).expect(400);
  });

  it('a part received while a PayPal payment of the order is clearing is refused: /payment-confirm amount and the modal', async () => {
    const s = await placedOrder();
    const connection = await db.paymentConnection.create({
      data: { tenantId: s.tenant.id, provider: 'PAYPAL', environment: 'sandbox', status: 'CONNECTED' },
    });
    // The customer paid the whole $45.00 by eCheck: the capture is PENDING at PayPal until it clears.
    await db.paymentCheckout.create({
      data: {
        tenantId: s.tenant.id,
        orderId: s.order.id,
        connectionId: connection.id,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        providerCheckoutId: `PAYPAL-${s.order.id}`,
        amountCents: 4500,
        currency: 'USD',
        orderVersion: (await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).version,
        state: 'PENDING',
      },
    });
    const clearing =
      /A PayPal payment of \$45\.00 for this order is still clearing at PayPal .*it will mark order #\d+ paid when it settles/;

    const command = await interact(h, commandInteraction(s.admin, 'payment-confirm', { orderid: String(s.order.number), amount: 2000 }));
    expect(textOf(command)).toMatch(clearing);
    expect(textOf(command)).toMatch(/if it fails instead, record the money received then/);
    const submitted = await interact(
      h,
      modalInteraction(s.admin, `payment:receipt-modal:${s.order.payment.id}`, { amount: '20.00', note: 'venmo' }),
    );
    expect(textOf(submitted)).toMatch(clearing);
    expect(await db.paymentReceipt.count({ where: { orderId: s.order.id } })).toBe(0);
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({
      status: 'PENDING_PAYMENT',
      amountReceivedCents: 0,
    });
  });

  it('the panel records a part from the order page; the page shows the reference, what came in and what is owed', async () => {
    const s = await placedOrder();
    const adminUser = await f.adminUser({ tenantId: s.tenant.id });
    const a = await loggedIn(baseUrl, adminUser.email);
    const res = await a.agent
      .post(`/admin/api/resources/Order/records/${s.order.id}/recordReceipt`)
      .set(a.headers())
      .send({ amount: '12.50', note: 'Zelle 77' });
    expect(res.body.notice).toMatchObject({
      type: 'success',
      message: `Recorded $12.50 received on order #${s.order.number}. $32.50 still owed.`,
    });
    const detail = JSON.parse(res.body.record.params.detailJson);
    expect(detail.received).toMatchObject({ reference: s.order.paymentReference, amount: '$12.50', remaining: '$32.50', overpaid: null });
    expect(detail.received.receipts).toEqual([expect.objectContaining({ amount: '$12.50', note: 'Zelle 77', by: adminUser.email })]);
    const bad = await a.agent
      .post(`/admin/api/resources/Order/records/${s.order.id}/recordReceipt`)
      .set(a.headers())
      .send({ amount: 'lots' });
    expect(bad.body.notice.type).toBe('error');
    expect((await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).amountReceivedCents).toBe(1250);
  });
});
