// What reconcile-least-recently-read.test.ts left untested of the reconciliation's claims (reconcile-reads.ts):
// - A run that lost its claim on a checkout (another run dated it after this run's selection read it) neither reads it
//   at the provider nor applies anything to it. Two runs at once over one checkout, lined up without a sleep: a third
//   client holds the checkout's row, the first run's claim waits on it, the second run selects the checkout (never
//   taken, as the first's claim is not committed) and waits behind the first; the row let go, one claims it and
//   the other finds it dated by then (PostgreSQL re-reads the row its UPDATE waited on). Its read is observed at the
//   fake PayPal, and made to fail, so that a second read by the run that lost would capture the payment and show.
// - The branches that do not read the provider are dated too, so such a checkout goes to the back of the line: a
//   PayPal checkout still being created (its create call not answered yet), and a Cash App Pay checkout never charged
//   (nothing at Square to read), inside its window (left open) or past it (retired EXPIRED).
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { UNCHARGED_CHECKOUT_WINDOW_MINUTES } from '../../../src/modules/payments-processor/checkouts/checkout-expiry.js';
import { testDb, truncateAll } from '../../helpers/db.js';
import { useRowLockWatch } from '../../helpers/row-lock-watch.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';
import { databaseClockAsStored, dueForReconcile, runReconcileJob } from './reconcile-job.js';
import { openSquareCheckout, useProvidersApp } from './square-btcpay-fixtures.js';

const HOUR = 3600;
const clock = new MovableClock();
const db = testDb();
const checkoutRow = (id: string) => db.paymentCheckout.findUniqueOrThrow({ where: { id } });

describe('PayPal checkouts: a claim another run won, and a checkout still being created', () => {
  // PayPal's create may be held for a while (a checkout still being created, below): the app gives it a minute.
  const { env, payPalOrder, startCheckout } = usePayPalApp(clock, { PROVIDER_TIMEOUT_MS: '60000' });

  const locks = useRowLockWatch();

  /** PayPal's requests about one order (its reads, GET; its captures, POST …/capture). */
  const payPalCalls = (paypalOrderId: string) => {
    const read = `/v2/checkout/orders/${paypalOrderId}`;
    const calls = env.paypal.requests.filter((r) => r.path === read || r.path === `${read}/capture`);
    return {
      reads: calls.filter((r) => r.method === 'GET').length,
      captures: calls.filter((r) => r.method === 'POST').length,
    };
  };

  it('two runs at once over one checkout: the one whose claim was lost reads nothing at PayPal and applies nothing', async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const { checkout, paypalOrderId } = await startCheckout(path);
    // The buyer approved at PayPal and never came back, its webhook lost: a read of the order captures it and pays ours.
    env.paypal.dropWebhooks = true;
    env.paypal.approve(paypalOrderId);
    env.paypal.dropWebhooks = false;
    // The run that takes it fails to read it (PayPal answers 503 once): a second read, by a run that lost the claim,
    // would capture it and record the payment.
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${paypalOrderId}$`), '5xx', 1);
    clock.advance(HOUR);
    const payments = () => db.payment.findMany({ where: { orderId: order.id }, orderBy: { id: 'asc' } });
    const paymentsBefore = await payments();

    const blockerPid = await locks.holdRow('SELECT id FROM payment_checkouts WHERE id = $1 FOR UPDATE', [checkout.id]);

    const first = env.t.services.checkouts.reconcile(5);
    const firstPid = await locks.oneWaitingOn("the first run's claim to wait on the held row", [blockerPid]);
    // The second run's selection sees the checkout never taken (the first's claim is not made yet): its claim waits too.
    const second = env.t.services.checkouts.reconcile(5);
    await locks.oneWaitingOn("the second run's claim to wait behind the first's", [blockerPid, firstPid]);
    expect(payPalCalls(paypalOrderId)).toEqual({ reads: 0, captures: 0 });

    await locks.release();
    const runs = await Promise.all([first, second]);

    // One run took it, read it once (PayPal's 503), and dated it; the other did nothing with it.
    expect(payPalCalls(paypalOrderId)).toEqual({ reads: 1, captures: 0 });
    expect(runs.map((r) => ({ checked: r.checked, errors: r.errors, changed: r.changed })).sort((a, b) => b.checked - a.checked)).toEqual([
      { checked: 1, errors: 1, changed: 0 },
      { checked: 0, errors: 0, changed: 0 },
    ]);
    await env.paypal.settle();
    const after = await checkoutRow(checkout.id);
    expect(after.state).toBe('OPEN');
    expect(after.reconcileCheckedAt).not.toBeNull();
    expect(await payments()).toEqual(paymentsBefore);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).not.toBe('PAID');

    // Not dropped: the next run reads it, captures it, and the order is paid.
    clock.advance(3 * 60);
    await env.t.services.checkouts.reconcile(5);
    await env.paypal.settle();
    expect(payPalCalls(paypalOrderId)).toEqual({ reads: 2, captures: 1 });
    await waitFor('the order to be paid', async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'PAID');
  });

  it('a checkout still being created (PayPal has not answered its create) is dated by the run, which reads nothing for it', async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const release = env.paypal.holdNextCreateAnswer();
    const pressed = request(env.t.app)
      .post(`${path}/pay`)
      .type('form')
      .send({ method: 'PAYPAL' })
      .then((r) => r);
    try {
      const creating = await waitFor('the checkout to be recorded, its PayPal order not yet answered', () =>
        db.paymentCheckout.findFirst({ where: { orderId: order.id, state: 'CREATING' } }),
      );
      expect(creating.reconcileCheckedAt).toBeNull();
      clock.advance(HOUR);
      const requests = env.paypal.requests.length;
      // Dated by the database's clock (the claim's), between its readings before and after the run.
      const start = (await databaseClockAsStored(db)).getTime();
      await runReconcileJob(db);
      const end = (await databaseClockAsStored(db)).getTime();

      const after = await checkoutRow(creating.id);
      expect(after.state).toBe('CREATING');
      expect(after.reconcileCheckedAt!.getTime()).toBeGreaterThanOrEqual(start);
      expect(after.reconcileCheckedAt!.getTime()).toBeLessThanOrEqual(end);
      // Nothing read at PayPal (the file's other checkout is paid, its order no longer asked about).
      expect(env.paypal.requests.slice(requests).filter((r) => r.method === 'GET' && r.path.startsWith('/v2/'))).toEqual([]);

      // Dated, it no longer comes before a newer checkout never read.
      const newer = await startCheckout((await payPalOrder({ paymentStatus: 'pending' })).path);
      clock.advance(HOUR);
      expect(await dueForReconcile(db, clock, 1)).toEqual([newer.checkout.id]);
    } finally {
      release();
      expect((await pressed).status).toBe(303);
    }
  });
});

describe('a Cash App Pay checkout never charged (nothing at Square to read) is dated by the run', () => {
  // The PayPal app's checkouts are not this app's to read: each describe starts from an empty database.
  beforeAll(() => truncateAll(db));
  const { env } = useProvidersApp(clock);
  const WINDOW_SECS = UNCHARGED_CHECKOUT_WINDOW_MINUTES * 60;

  /** Moves a checkout's creation back in the database's time (the clock its window is read by). */
  const makeOlder = (checkoutId: string, secs: number) =>
    db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(secs => ${secs}::float8) WHERE id = ${checkoutId}`;

  it('inside its window: left open, dated, and a newer checkout never read comes before it', async () => {
    const { checkoutId } = await openSquareCheckout(env);
    clock.advance(HOUR);
    await runReconcileJob(db);
    const after = await checkoutRow(checkoutId);
    expect(after.state).toBe('OPEN');
    expect(after.reconcileCheckedAt).not.toBeNull();

    const newer = await openSquareCheckout(env);
    clock.advance(HOUR);
    expect(await dueForReconcile(db, clock, 1)).toEqual([newer.checkoutId]);
  });

  it('past its window: retired (EXPIRED) by the run, dated as well', async () => {
    const { checkoutId } = await openSquareCheckout(env);
    await makeOlder(checkoutId, WINDOW_SECS + 30);
    clock.advance(HOUR);
    await runReconcileJob(db);
    const after = await checkoutRow(checkoutId);
    expect(after.state).toBe('EXPIRED');
    expect(after.reconcileCheckedAt).not.toBeNull();
  });
});
