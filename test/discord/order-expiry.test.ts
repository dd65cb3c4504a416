// Unpaid orders expire, and customers can cancel their own (issue 12), end to end through signed Discord
// interactions, a real graphile-worker and the fake Discord API: the order placed in Discord gets its
// deadline and two scheduled jobs; with time moved (the clock, or the deadline by the database's clock the expiry
// reads, and the job's run_at brought forward, no sleeping) the reminder DM goes out at half the window and the
// order is cancelled as expired at its end (stock and discount use back, DM, admin message edited, audit). The
// customer's "Cancel order" asks first, refuses anyone else, and a double click cancels once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePayPal } from '../../src/dev/fakes/fake-paypal.js';
import type { PaymentMethod } from '../../src/generated/prisma/index.js';
import { formatMoney } from '../../src/platform/money.js';
import { adminCtx } from '../helpers/actors.js';
import { databaseNow } from '../../src/platform/db/database-now.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { MovableClock } from '../http/invoice/invoice-fixtures.js';
import { passPayWindowTime } from '../modules/order-expiry/pay-window-time.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  commandInteraction,
  componentInteraction,
  customIdsOf,
  interact,
  member,
  messageOf,
  PERMS,
  startHarness,
  textOf,
  type Harness,
  type Member,
} from './harness.js';
import { walkToReview } from './flows.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
let h: Harness;
let paypal: FakePayPal;

beforeAll(async () => {
  paypal = await new FakePayPal().start();
  h = await startHarness({ worker: true, clock, env: { PAYPAL_API_BASE_URL: paypal.url, PUBLIC_BASE_URL: 'http://shop.example' } });
});
afterAll(async () => {
  await h.stop();
  await paypal.stop();
});

const MINUTE = 60_000;

interface Shop {
  tenantId: string;
  guildId: string;
  customer: Member;
  productId: string;
  shippingTypeId: string;
  discountId: string;
}

async function shop(opts: { windows?: Record<string, number>; paypal?: boolean } = {}): Promise<Shop> {
  const s = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'], paymentWindowMinutes: opts.windows ?? {} } });
  await db.product.update({ where: { id: s.products[0]!.id }, data: { trackStock: true, stock: 5 } });
  const discount = await f.discount({ tenantId: s.tenant.id, percentOff: 10, maxUses: 10 });
  if (opts.paypal) {
    paypal.addApp(`AcL-${s.tenant.id}`, 'EL-secret-expiry-0001');
    const ctx = adminCtx(s.tenant.id);
    await h.t.services.paymentConnections.connect(ctx, {
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId: `AcL-${s.tenant.id}`, webhookId: 'WH-X' },
      secrets: { clientSecret: 'EL-secret-expiry-0001' },
    });
    await h.t.services.paymentConnections.test(ctx, 'PAYPAL');
    await db.tenant.update({ where: { id: s.tenant.id }, data: { enabledPaymentMethods: ['VENMO_P2P', 'PAYPAL'] } });
  }
  return {
    tenantId: s.tenant.id,
    guildId: s.guild.id,
    customer: member({ id: s.customer.discordUserId }),
    productId: s.products[0]!.id,
    shippingTypeId: s.shippingType.id,
    discountId: discount.id,
  };
}

/** The whole rich flow, as the customer clicks it: /order ... Confirm & submit. */
async function placeOrder(s: Shop, method: PaymentMethod = 'VENMO_P2P') {
  const as = { guildId: s.guildId, user: s.customer };
  const { review } = await walkToReview(h, as, {
    productId: s.productId,
    quantity: '2',
    shippingTypeId: s.shippingTypeId,
    paymentMethod: method,
    openAddressForm: true,
  });
  const before = await databaseNow(db);
  const submitted = await interact(h, componentInteraction(as, 'order:confirm', { message: messageOf(review) }));
  const after = await databaseNow(db);
  const order = await db.order.findFirstOrThrow({
    where: { tenantId: s.tenantId },
    orderBy: { createdAt: 'desc' },
    include: { payments: true },
  });
  /** Whether `dueAt` is `minutes` from the submit's time by the database's clock (the one a new deadline counts from). */
  const dueAfter = (dueAt: Date, minutes: number) =>
    dueAt.getTime() >= before.getTime() + minutes * MINUTE && dueAt.getTime() <= after.getTime() + minutes * MINUTE;
  return { as, submitted, order, dueAfter };
}

interface JobRow {
  task: string;
  run_at: Date;
  key: string | null;
}
const jobsOf = (orderId: string) =>
  db.$queryRaw<JobRow[]>`SELECT t.identifier AS task, j.run_at, j.key FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.payload->>'orderId' = ${orderId} ORDER BY j.run_at`;
/** Brings a scheduled job forward to now (the worker picks it up at its next poll): time is moved, not waited for. */
const runNow = (key: string) => db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${key}`;
const jobGone = (key: string) => async () =>
  (await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = ${key}`)[0]!.n === 0;

/** DMs the fake Discord received for `userId`, as their embed titles and descriptions. */
function dmsTo(userId: string): { title: string; description: string; links: string[] }[] {
  return h.fake
    .directMessages()
    .filter((m) => m.userId === userId)
    .map((m) => {
      const body = m.body as {
        embeds?: { title?: string; description?: string }[];
        components?: { components: { style: number; url?: string }[] }[];
      };
      return {
        title: body.embeds?.[0]?.title ?? '',
        description: body.embeds?.[0]?.description ?? '',
        links: (body.components ?? [])
          .flatMap((r) => r.components)
          .filter((b) => b.style === 5)
          .map((b) => b.url ?? ''),
      };
    });
}

const linkButtons = (res: { data?: unknown }) =>
  ((res.data as { components?: { components: { type: number; style?: number; label?: string }[] }[] } | undefined)?.components ?? [])
    .flatMap((r) => r.components)
    .filter((c) => c.type === 2 && c.style === 5)
    .map((c) => c.label);

describe('pay window: reminder and expiry', () => {
  it('a Venmo order gets its deadline; the reminder goes out at half the window and the order expires at its end', async () => {
    const s = await shop({ windows: { VENMO_P2P: 120 } });
    const { submitted, order, dueAfter } = await placeOrder(s);
    // The "Order submitted" message says until when, and offers Cancel order (no Pay now for Venmo).
    expect(textOf(submitted)).toMatch(/Pay by <t:\d+:f>/);
    expect(customIdsOf(submitted)).toContain(`orders:cancel:${order.id}:0`);
    expect(linkButtons(submitted)).toEqual([]);
    expect((await db.product.findUniqueOrThrow({ where: { id: s.productId } })).stock).toBe(3);
    expect((await db.discount.findUniqueOrThrow({ where: { id: s.discountId } })).usedCount).toBe(1);

    // Submit placed the order with its deadline (placed + 120 min, by the database's clock) and both jobs with run_at.
    const scheduled = await waitFor(
      'the deadline',
      async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt ?? undefined,
    );
    expect(dueAfter(scheduled, 120)).toBe(true);
    const jobs = (await jobsOf(order.id)).filter((j) => j.key);
    expect(jobs.map((j) => [j.task, j.key])).toEqual([
      ['order.payment_reminder>discord-notify', `payment-reminder:${order.id}>discord-notify`],
      ['order.payment_window.expire', `payment-expiry:${order.id}`],
    ]);
    expect(jobs[0]!.run_at.getTime()).toBe(scheduled.getTime() - 60 * MINUTE);
    expect(jobs[1]!.run_at.getTime()).toBe(scheduled.getTime());
    expect(dmsTo(s.customer.id).filter((d) => /waiting for payment/.test(d.title))).toEqual([]);

    // An hour later: the reminder, with the Venmo instructions and the deadline.
    clock.advance(61 * 60);
    await runNow(`payment-reminder:${order.id}>discord-notify`);
    const reminder = await waitFor('the reminder DM', async () => dmsTo(s.customer.id).find((d) => /waiting for payment/.test(d.title)));
    expect(reminder.title).toBe(
      `${(await db.tenant.findUniqueOrThrow({ where: { id: s.tenantId } })).name}: order #${order.number} is waiting for payment`,
    );
    // In the order's DM's words: the method named before the shop's instructions.
    expect(reminder.description).toContain('Pay with Venmo: Pay @shop on Venmo');
    expect(reminder.description).toContain(`Please pay **${formatMoney(order.totalCents, 'USD')}** with Venmo by`);
    // The note names the payment reference, as the order's other messages do (it said "Put #N in the note").
    expect(reminder.description).toContain(`Put the payment reference **${order.paymentReference}** in the payment note`);
    expect(reminder.description).toContain(`<t:${Math.floor(scheduled.getTime() / 1000)}:f>`);
    expect(reminder.links).toEqual([]);

    // The expiry job brought forward before the deadline (an hour of it left) re-checks and changes nothing.
    await runNow(`payment-expiry:${order.id}`);
    await waitFor('the early expiry job to reschedule itself', async () => {
      const [job] = (await jobsOf(order.id)).filter((j) => j.task === 'order.payment_window.expire');
      return job && job.run_at.getTime() === scheduled.getTime();
    });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');

    // Past the deadline (two hours on, by the database's clock): cancelled as expired.
    const passed = await passPayWindowTime(db, order.id, 121 * 60);
    await runNow(`payment-expiry:${order.id}`);
    const cancelled = await waitFor('the expiry', async () => {
      const o = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
      return o.status === 'CANCELLED' && o;
    });
    expect(cancelled.payments.map((p) => p.status)).toEqual(['cancelled']);
    expect((await db.product.findUniqueOrThrow({ where: { id: s.productId } })).stock).toBe(5);
    expect((await db.discount.findUniqueOrThrow({ where: { id: s.discountId } })).usedCount).toBe(0);
    const audit = (await h.t.services.audit.listFor(s.tenantId, 'Order', order.id)).filter((a) => a.action === 'order.cancelled');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'SYSTEM', after: { reason: 'expired', paymentDueAt: passed.toISOString() } });

    // The customer is told; the admin-channel message says it expired.
    const dm = await waitFor('the cancellation DM', async () => dmsTo(s.customer.id).find((d) => /cancelled/.test(d.title)));
    expect(dm.description).toMatch(/not paid in time/);
    // What they can do now: the same sentence as the invoice page and the pay-window's cancel.
    expect(dm.description).toMatch(/\n\nRun `\/order` whenever you want to order again\.$/);
    const edited = await waitFor('the admin message edit', async () =>
      h.fake.calls.find(
        (c) =>
          c.method === 'PATCH' &&
          c.path.endsWith(`/messages/${cancelled.adminMessageId}`) &&
          JSON.stringify(c.body).includes('Expired: not paid in time'),
      ),
    );
    expect(edited).toBeTruthy();

    // Venmo money that arrives afterwards: the admin's Approve is refused and nothing changes.
    const admin = member({ permissions: PERMS.administrator });
    const approve = await interact(
      h,
      componentInteraction({ guildId: s.guildId, user: admin }, `payment:approve:${order.payments[0]!.id}`),
    );
    // The admin is told why (the pay window, not someone's cancel) and what to do with the money that came.
    expect(textOf(approve)).toContain(
      `Order #${order.number} cannot be marked as paid: it was not paid in time, so its pay window cancelled it and released its items. Money the customer sent for it afterwards is not on the order: send it back to them the way it came; they can place a new order.`,
    );
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
  }, 180_000);

  it('a PayPal order: its reminder DM carries the Pay now link; the default window is 4 hours', async () => {
    const s = await shop({ paypal: true });
    const { submitted, order, dueAfter } = await placeOrder(s, 'PAYPAL');
    expect(linkButtons(submitted)).toEqual(['Pay now']);
    expect(customIdsOf(submitted)).toContain(`orders:cancel:${order.id}:0`);
    const dueAt = await waitFor(
      'the deadline',
      async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt ?? undefined,
    );
    expect(dueAfter(dueAt, 240)).toBe(true);
    clock.advance(121 * 60);
    await runNow(`payment-reminder:${order.id}>discord-notify`);
    const reminder = await waitFor('the reminder DM', async () => dmsTo(s.customer.id).find((d) => /waiting for payment/.test(d.title)));
    expect(reminder.description).toMatch(/Press \*\*Pay now\*\*/);
    expect(reminder.links).toEqual([expect.stringMatching(/^http:\/\/shop\.example\/invoice\//)]);
  }, 180_000);

  it('a part-paid order is reminded of what is still owed, not of its whole total', async () => {
    const s = await shop();
    const { order } = await placeOrder(s);
    await waitFor('the deadline', async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt ?? undefined);
    await h.t.services.payments.recordReceipt(adminCtx(s.tenantId), { orderId: order.id }, { amountCents: 500, note: 'venmo' });
    await runNow(`payment-reminder:${order.id}>discord-notify`);
    const reminder = await waitFor('the reminder DM', async () => dmsTo(s.customer.id).find((d) => /waiting for payment/.test(d.title)));
    const m = (cents: number) => formatMoney(cents, 'USD');
    expect(reminder.description).toContain(
      `Please pay **${m(order.totalCents - 500)}** (${m(500)} of ${m(order.totalCents)} already received) with Venmo by`,
    );
  });

  it('a reminder for a deadline that moved, or an order paid meanwhile, is not sent', async () => {
    const s = await shop();
    const { order } = await placeOrder(s);
    const dueAt = await waitFor(
      'the deadline',
      async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt ?? undefined,
    );
    await h.t.services.payments.confirm(adminCtx(s.tenantId), { orderId: order.id });
    await runNow(`payment-reminder:${order.id}>discord-notify`);
    await runNow(`payment-expiry:${order.id}`);
    await waitFor(
      'both jobs done',
      async () => (await jobGone(`payment-reminder:${order.id}>discord-notify`)()) && (await jobGone(`payment-expiry:${order.id}`)()),
    );
    expect(dmsTo(s.customer.id).filter((d) => /waiting for payment/.test(d.title))).toEqual([]);
    const paid = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(paid.status).toBe('PAID');
    expect(paid.paymentDueAt).toEqual(dueAt);
  });
});

describe('customer self-service: Cancel order', () => {
  it('asks first, refuses anyone else, and a double click on the confirmation cancels once', async () => {
    const s = await shop();
    const { as, submitted, order } = await placeOrder(s);
    await waitFor('the deadline', async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt ?? undefined);

    // Another member of the server, with a crafted or copied button: refused as "not found", nothing changes.
    const stranger = { guildId: s.guildId, user: member() };
    expect(textOf(await interact(h, componentInteraction(stranger, `orders:cancel:${order.id}:0`)))).toMatch(/not found/i);
    expect(textOf(await interact(h, componentInteraction(stranger, `orders:cancel-confirm:${order.id}:0`)))).toMatch(/not found/i);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');

    // The customer: the confirmation step first (nothing written yet).
    const ask = await interact(h, componentInteraction(as, `orders:cancel:${order.id}:0`, { message: messageOf(submitted) }));
    expect(ask.type).toBe(7);
    expect(textOf(ask)).toContain(`Cancel order #${order.number}?`);
    expect(customIdsOf(ask)).toEqual([`orders:cancel-confirm:${order.id}:0`, `orders:detail:${order.id}:0`]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');

    // "Keep the order" shows it again, still cancellable.
    const kept = await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`, { message: messageOf(ask) }));
    expect(customIdsOf(kept)).toContain(`orders:cancel:${order.id}:0`);
    expect(textOf(kept)).toMatch(/Pay by\n<t:\d+:f>/);

    // Confirm, clicked twice at once.
    const [a, b] = await Promise.all([
      interact(h, componentInteraction(as, `orders:cancel-confirm:${order.id}:0`, { message: messageOf(ask) })),
      interact(h, componentInteraction(as, `orders:cancel-confirm:${order.id}:0`, { message: messageOf(ask) })),
    ]);
    const answers = [textOf(a), textOf(b)];
    expect(answers.filter((t) => /Your order is cancelled/.test(t))).toHaveLength(1);
    expect(answers.filter((t) => /already cancelled/.test(t))).toHaveLength(1);
    const cancelled = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.payments.map((p) => p.status)).toEqual(['cancelled']);
    expect((await db.product.findUniqueOrThrow({ where: { id: s.productId } })).stock).toBe(5);
    expect((await db.discount.findUniqueOrThrow({ where: { id: s.discountId } })).usedCount).toBe(0);
    const entries = (await h.t.services.audit.listFor(s.tenantId, 'Order', order.id)).filter((x) => x.action === 'order.cancelled');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorType: 'CUSTOMER', actorId: s.customer.id, after: { reason: 'customer_cancelled' } });
    const dm = await waitFor('the cancellation DM', async () => dmsTo(s.customer.id).find((d) => /cancelled/.test(d.title)));
    expect(dm.description).toMatch(/You cancelled this order\./);

    // The scheduled expiry, when it comes (its deadline passed), finds nothing to do.
    await passPayWindowTime(db, order.id, 3 * 24 * 3600);
    await runNow(`payment-expiry:${order.id}`);
    await waitFor('the expiry job done', jobGone(`payment-expiry:${order.id}`));
    expect((await h.t.services.audit.listFor(s.tenantId, 'Order', order.id)).filter((x) => x.action === 'order.cancelled')).toHaveLength(1);

    // The detail of a cancelled order offers no Cancel any more.
    const after = await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`));
    expect(customIdsOf(after).filter((id) => id.startsWith('orders:cancel'))).toEqual([]);
    expect(dmsTo(s.customer.id).filter((d) => /cancelled/.test(d.title))).toHaveLength(1);
  }, 180_000);

  it('/orders detail: Cancel order while unpaid, Pay now only for a processor method; a paid order cannot be cancelled by its customer', async () => {
    const s = await shop({ paypal: true });
    const venmo = await placeOrder(s, 'VENMO_P2P');
    const pp = await placeOrder(s, 'PAYPAL');
    const list = await interact(h, commandInteraction(venmo.as, 'orders'));
    const venmoDetail = await interact(
      h,
      componentInteraction(venmo.as, `orders:detail:${venmo.order.id}:0`, { message: messageOf(list) }),
    );
    expect(customIdsOf(venmoDetail)).toEqual(expect.arrayContaining([`orders:cancel:${venmo.order.id}:0`]));
    expect(linkButtons(venmoDetail)).toEqual([]);
    const ppDetail = await interact(h, componentInteraction(pp.as, `orders:detail:${pp.order.id}:0`, { message: messageOf(list) }));
    expect(customIdsOf(ppDetail)).toEqual(expect.arrayContaining([`orders:cancel:${pp.order.id}:0`]));
    expect(linkButtons(ppDetail)).toEqual(['Pay now']);

    // Paid meanwhile: the old Cancel button shows the order as it is; a crafted confirm is refused.
    await h.t.services.payments.confirm(adminCtx(s.tenantId), { orderId: venmo.order.id });
    const ask = await interact(h, componentInteraction(venmo.as, `orders:cancel:${venmo.order.id}:0`, { message: messageOf(venmoDetail) }));
    expect(textOf(ask)).toContain(`Order #${venmo.order.number}`);
    expect(customIdsOf(ask).filter((id) => id.startsWith('orders:cancel'))).toEqual([]);
    const refused = await interact(h, componentInteraction(venmo.as, `orders:cancel-confirm:${venmo.order.id}:0`));
    expect(textOf(refused)).toMatch(/already paid/);
    expect((await db.order.findUniqueOrThrow({ where: { id: venmo.order.id } })).status).toBe('PAID');
  }, 180_000);

  it('malformed self-service ids are refused before any handler runs', async () => {
    const s = await shop();
    const as = { guildId: s.guildId, user: s.customer };
    for (const id of [
      'orders:cancel:ord_x',
      'orders:cancel:notanorder:0',
      'orders:cancel-confirm:ord_abc:x',
      'orders:cancel-confirm:ord_abc:0:extra',
    ]) {
      const res = await interact(h, componentInteraction(as, id));
      expect(textOf(res)).toMatch(/not valid/);
    }
  });
});
