// A checkout that fails while opening (checkout.service start(): FAILED is written only over CREATING or OPEN, the
// customer gets the provider's error page, and the admin post never keeps naming a checkout that is gone):
// - opened, announced ("Customer opened a … checkout"), and then voiding an older checkout the order outgrew fails at
//   the provider: the new checkout is FAILED and the admin post no longer names it (it kept naming it for good);
// - voided meanwhile (the order changed while the provider was still creating it), then the provider's create fails:
//   it stays VOIDED (the catch overwrote it with FAILED);
// - voided while BTCPay was still creating it, then BTCPay answers: it stays VOIDED (start() used to reopen it, OPEN,
//   and then FAILED it when its void at BTCPay was refused), keeps the invoice's id, and the invoice is closed at
//   BTCPay; the customer is sent back to the invoice page, which says the order changed (or, BTCPay refusing the
//   void, gets its "temporarily unavailable" page).
// PayPal's void asks PayPal nothing (an uncaptured order lapses), so these use BTCPay, whose void marks the invoice
// Invalid. Through the real paths: the invoice page's Pay, the shop's order edit (the orders_bump_version trigger's
// payment.checkouts.void_stale job), the fake BTCPay answering 503 where told, the notification jobs on a worker,
// the fake Discord API on the wire.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../src/dev/fake-discord-api.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { adminCtx } from '../helpers/actors.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { postedAdminMessage } from './admin-post.js';
import { unpaidOrderLink } from '../http/invoice/invoice-fixtures.js';
import { connectBtcPay, openBtcPayInvoice, useProvidersApp } from '../http/invoice/square-btcpay-fixtures.js';

const db = testDb();
const f = factories();
// The fake holds BTCPay's answers until the test has seen what it waits for: the provider calls wait a minute (the
// most PROVIDER_TIMEOUT_MS allows) rather than 10 s, so a busy machine does not time them out first.
const { env, discordApi } = useProvidersApp(undefined, { PROVIDER_TIMEOUT_MS: '60000' });

type Post = { embeds: { title?: string; description?: string }[] };
const descriptionOf = (c: RecordedCall) => (c.body as Post).embeds[0]!.description!;
const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

describe('a checkout that fails while opening', () => {
  it('opened, then voiding the older checkout fails at BTCPay: FAILED, and the post no longer names it', async () => {
    // A Bitcoin order whose customer opened an invoice (checkout A, $42.50); the admin post names it.
    const { tenant, order, path, invoiceId: oldInvoice } = await openBtcPayInvoiceWithPath();
    const posted = await postedAdminMessage(env.t.services.bus, discordApi, tenant.id, order.id);
    // An edit of the post among the calls after `mark` whose words pass `pred`.
    const editAfter = (mark: number, what: string, pred: (description: string) => boolean) =>
      discordApi()
        .waitFor(
          (c: RecordedCall) =>
            discordApi().calls.indexOf(c) >= mark && c.method === 'PATCH' && c.path === posted.path && pred(descriptionOf(c)),
        )
        .catch((err: Error) => {
          throw new Error(`no edit of the admin post ${what}: ${err.message}`);
        });
    const older = await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id, providerCheckoutId: oldInvoice } });
    const openedA = `Customer opened a Bitcoin (invoice) checkout for ${usd(older.amountCents)}`;
    expect((posted.now() as unknown as Post).embeds[0]!.description).toContain(openedA);

    // BTCPay refuses to mark invoice A Invalid (503, each answer held until `answer`), until told otherwise.
    const answer = deferred();
    const stopRefusing = env.btcpay.fail(new RegExp(`/invoices/${oldInvoice}/status$`), 503, Infinity, { answerAfter: answer.promise });
    try {
      // The shop doubles the order's line: A no longer matches the order (its void, the void_stale job's, is refused).
      const line = await db.orderItem.findFirstOrThrow({ where: { orderId: order.id } });
      await env.t.services.orderAdmin.update(adminCtx(tenant.id), order.id, { items: [{ productId: line.productId, quantity: 2 }] });
      const changed = await db.order.findUniqueOrThrow({ where: { id: order.id } });
      expect(changed.version).not.toBe(older.orderVersion);

      // The customer presses Pay with Bitcoin again: checkout B opens for the new amount, the post names it; then
      // start() voids the stale A, and BTCPay refuses.
      const mark = discordApi().calls.length;
      const paying = request(env.t.app)
        .post(`${path}/pay`)
        .type('form')
        .send({ method: 'BTC_INVOICE' })
        .then((r) => r);
      const openedB = `Customer opened a Bitcoin (invoice) checkout for ${usd(changed.totalCents)}`;
      expect(openedB).not.toBe(openedA);
      await editAfter(mark, 'naming checkout B', (d) => d.includes(openedB));
      const newer = await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id, id: { not: older.id } } });
      expect(newer.state).toBe('OPEN');
      const told = discordApi().calls.length;
      answer.release();
      // The customer is told to try again in a moment (BTCPay was unavailable), and is not sent to invoice B.
      const res = await paying;
      expect(res.status).toBe(503);
      expect(res.text).toContain('Payment is temporarily unavailable');
      expect(res.headers.location).toBeUndefined();

      // B is FAILED and the post no longer names it: it names A again, still open at BTCPay (its void was refused).
      // Nothing else was written: B keeps BTCPay's invoice id (money paid to it anyway is found: late-money.ts), the
      // order has its two checkouts and still waits for its money.
      expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: newer.id } })).toMatchObject({
        state: 'FAILED',
        providerCheckoutId: expect.any(String),
        voidedAt: null,
      });
      expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(2);
      expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
      const afterFail = await editAfter(told, 'no longer naming B', (d) => !d.includes(openedB));
      expect(descriptionOf(afterFail)).toContain(openedA);
      expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: older.id } })).state).toBe('OPEN');
    } finally {
      stopRefusing();
      answer.release();
    }

    // BTCPay takes the void again: the void_stale job's next attempt voids A, and the post is the order's usual one.
    const mark = discordApi().calls.length;
    const back = await editAfter(mark, 'back to the usual one', (d) => !/Customer (is paying|opened)/.test(d));
    expect(descriptionOf(back)).toContain('Paid online with Bitcoin (invoice)');
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: older.id } })).state).toBe('VOIDED');
  });

  it('voided while BTCPay was still creating it, then the create fails: it stays VOIDED', async () => {
    const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    const { storeId } = await connectBtcPay(env, tenant.id);
    const { order, path } = await unpaidOrderLink(env.t.services, { tenant, guild, customer }, { method: 'BTC_INVOICE', cents: 4250 });

    // BTCPay holds the invoice create, then answers 503.
    const answer = deferred();
    const stopRefusing = env.btcpay.fail(new RegExp(`/stores/${storeId}/invoices$`), 503, 1, { answerAfter: answer.promise });
    try {
      const paying = request(env.t.app)
        .post(`${path}/pay`)
        .type('form')
        .send({ method: 'BTC_INVOICE' })
        .then((r) => r);
      const checkout = await waitFor('the checkout being created', async () => {
        const called = env.btcpay.calls.some((c) => c.method === 'POST' && c.path === `/api/v1/stores/${storeId}/invoices`);
        return called ? ((await db.paymentCheckout.findFirst({ where: { orderId: order.id } })) ?? undefined) : undefined;
      });
      expect(checkout.state).toBe('CREATING');

      // Meanwhile the shop changes the order's line: the void_stale job voids the checkout (nothing at BTCPay yet).
      const line = await db.orderItem.findFirstOrThrow({ where: { orderId: order.id } });
      await env.t.services.orderAdmin.update(adminCtx(tenant.id), order.id, { items: [{ productId: line.productId, quantity: 2 }] });
      await waitFor('the checkout voided', async () => {
        const c = await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } });
        return c.state === 'VOIDED' || undefined;
      });

      // BTCPay's create fails: the checkout keeps VOIDED and its reason.
      answer.release();
      expect((await paying).status).toBeGreaterThanOrEqual(500);
      const after = await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } });
      expect(after.state).toBe('VOIDED');
      expect(after.voidReason).toMatch(/^order changed/);
    } finally {
      stopRefusing();
      answer.release();
    }
  });

  it('voided while BTCPay was creating it, then its void at BTCPay is refused: it stays VOIDED, never shown as open', async () => {
    // BTCPay refuses to mark any of this store's invoices Invalid (503) until told otherwise.
    const s = await voidedWhileBtcPayCreates((storeId) =>
      env.btcpay.fail(new RegExp(`/stores/${storeId}/invoices/[^/]+/status$`), 503, Infinity),
    );
    try {
      // BTCPay answers: the checkout is not opened (the customer is not sent to the invoice), start() closes the
      // invoice at BTCPay too, BTCPay refuses: the customer is told to try again in a moment.
      s.answer();
      const res = await s.paying;
      expect(res.status).toBe(503);
      expect(res.text).toContain('Payment is temporarily unavailable');
      expect(res.headers.location).toBeUndefined();

      // Still VOIDED for the order change (start() did not reopen it, and its failure wrote FAILED only over
      // CREATING/OPEN), with BTCPay's invoice id kept, so money paid to it anyway is found (late-money.ts). Nothing
      // else was written: one checkout, the order still waiting for its money.
      const after = await db.paymentCheckout.findUniqueOrThrow({ where: { id: s.checkout.id } });
      expect(after).toMatchObject({ state: 'VOIDED', providerCheckoutId: s.invoiceId });
      expect(after.voidReason).toMatch(/^order changed/);
      expect(await db.paymentCheckout.count({ where: { orderId: s.order.id } })).toBe(1);
      expect((await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).status).toBe('PENDING_PAYMENT');
      await expectNeverNamed(s);
    } finally {
      s.stop();
      s.answer();
    }
  });

  it('voided while BTCPay was creating it, then BTCPay answers: the invoice is closed and the customer told the order changed', async () => {
    const s = await voidedWhileBtcPayCreates(() => () => undefined);
    try {
      s.answer();
      const res = await s.paying;
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`${s.path}?checkout=changed`);
      const page = await request(env.t.app).get(res.headers.location!).expect(200);
      expect(page.text).toContain('This order changed after you started paying');
      expect(env.btcpay.invoices.get(s.invoiceId)!.status).toBe('Invalid');
      expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: s.checkout.id } })).toMatchObject({
        state: 'VOIDED',
        providerCheckoutId: s.invoiceId,
      });
      await expectNeverNamed(s);
    } finally {
      s.answer();
    }
  });
});

/**
 * A Bitcoin order whose customer presses Pay while BTCPay holds its answer to the invoice create (`refuse` set up
 * first: BTCPay's refusals, with its stop function), and the shop changes the order's line meanwhile: the void_stale
 * job voids the checkout, no invoice id known yet. BTCPay's answer is released by `answer()`.
 */
async function voidedWhileBtcPayCreates(refuse: (storeId: string) => () => void) {
  const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  const { storeId } = await connectBtcPay(env, tenant.id);
  const { order, path } = await unpaidOrderLink(env.t.services, { tenant, guild, customer }, { method: 'BTC_INVOICE', cents: 4250 });
  const posted = await postedAdminMessage(env.t.services.bus, discordApi, tenant.id, order.id);
  const answer = env.btcpay.holdNextInvoiceAnswer();
  const stop = refuse(storeId);
  const paying = request(env.t.app)
    .post(`${path}/pay`)
    .type('form')
    .send({ method: 'BTC_INVOICE' })
    .then((r) => r);
  const invoiceId = await waitFor(
    'the invoice created at BTCPay',
    async () => [...env.btcpay.invoices.values()].find((i) => i.metadata.orderId === order.id)?.id,
  );
  const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } });
  expect(checkout.state).toBe('CREATING');
  const line = await db.orderItem.findFirstOrThrow({ where: { orderId: order.id } });
  await env.t.services.orderAdmin.update(adminCtx(tenant.id), order.id, { items: [{ productId: line.productId, quantity: 2 }] });
  await waitFor('the checkout voided', async () => {
    const c = await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } });
    return c.state === 'VOIDED' || undefined;
  });
  return { tenant, order, path, posted, invoiceId, checkout, paying, answer, stop };
}

/**
 * The admin post never named the voided checkout: a refresh asked for now (the admin channel's lane runs its jobs in
 * order, so any earlier one has edited the post by then) shows the order's usual words, and no edit said "Customer opened".
 */
async function expectNeverNamed(s: Awaited<ReturnType<typeof voidedWhileBtcPayCreates>>) {
  const mark = discordApi().calls.length;
  await env.t.services.bus.emit(db, EVENTS.checkoutStateChanged, {
    tenantId: s.tenant.id,
    orderId: s.order.id,
    checkoutId: s.checkout.id,
    state: 'VOIDED',
  });
  const now = await discordApi().waitFor(
    (c: RecordedCall) => discordApi().calls.indexOf(c) >= mark && c.method === 'PATCH' && c.path === s.posted.path,
  );
  expect(descriptionOf(now)).toContain('Paid online with Bitcoin (invoice)');
  const named = discordApi().calls.filter(
    (c) => c.method === 'PATCH' && c.path === s.posted.path && descriptionOf(c).includes('Customer opened'),
  );
  expect(named).toEqual([]);
}

/** openBtcPayInvoice, with the invoice page's path (to press Pay again). */
async function openBtcPayInvoiceWithPath() {
  const opened = await openBtcPayInvoice(env);
  return { ...opened, path: new URL(opened.link.url).pathname };
}
