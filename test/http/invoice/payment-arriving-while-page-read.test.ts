// The invoice page while a payment arrives. The page read the order, then its checkout: a payment committed between the
// two (PayPal's eCheck clearing marks the checkout and the order paid in one transaction) drew "Pay $42.50" with its
// buttons for an order just paid, and no payment on its way; an expired link said "get a new one in Discord" instead
// of "already paid". It now reads the checkout first. Here PayPal clears the eCheck (its webhook applied, the order
// paid) right after each of the page's reads in turn; every answer is one the order really had.
import { describe, expect, it } from 'vitest';
import { createInvoiceService, type InvoiceService } from '../../../src/modules/invoices/invoice.service.js';
import { createReceiptDms } from '../../../src/modules/notifications/receipt-dm-state.js';
import { runningBetweenReads } from '../../helpers/between-reads.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, clearingPayPalCheckout } = usePayPalApp(clock);

/** The app's invoice service, reading through `client` (the page's reads) instead of the app's own. */
function invoicesReadingWith(client: typeof db): InvoiceService {
  const s = env.t.services;
  return createInvoiceService({
    db: client,
    clock: s.clock,
    config: { signingSecret: s.env.INVOICE_LINK_SIGNING_SECRET, defaultTtlSeconds: s.env.INVOICE_LINK_DEFAULT_TTL_SECONDS },
    connections: s.paymentConnections,
    checkouts: s.checkouts,
    audit: s.audit,
    receiptDms: createReceiptDms({ db }),
  });
}

/** An eCheck clearing at PayPal for an order of 42.50 (the money on its way), and what clears it: PayPal's webhook applied. */
async function clearingOrder() {
  const { order, path, captureId } = await clearingPayPalCheckout();
  const token = path.split('/').at(-1)!;
  const clears = async () => {
    env.paypal.clearPendingCapture(captureId);
    await env.paypal.settle();
    await waitFor(
      'the order paid',
      async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'PAID' || undefined,
    );
  };
  return { order, token, clears };
}

// The page's reads: the checkout (1), then the order (2). Paid after the first: the order reads paid. Paid after the
// second: both were read before it landed, and the page says the payment is on its way.
describe('the invoice page read while the payment arrives', () => {
  it.each([
    [1, 'paid'],
    [2, 'on its way'],
  ] as const)('paid after read %i: the page says %s, never "Pay"', async (n, expected) => {
    const { token, clears } = await clearingOrder();
    let cleared = false;
    const view = await invoicesReadingWith(
      runningBetweenReads(db, ['order', 'paymentCheckout'], n, async () => {
        cleared = true;
        await clears();
      }),
    ).view(token);
    expect(cleared).toBe(true);
    if (expected === 'paid') expect(view).toMatchObject({ status: 'PAID', payable: false, methods: [], paymentOnItsWay: null });
    else expect(view).toMatchObject({ status: 'PENDING_PAYMENT', payable: true, paymentOnItsWay: { state: 'PENDING', amountCents: 4250 } });
  });

  it.each([
    [1, 'The order is already paid'],
    [2, 'but a payment of $42.50 for it is on its way'],
  ] as const)('an expired link, paid after read %i: says "%s", never "get a new one"', async (n, expected) => {
    const { order, token, clears } = await clearingOrder();
    // Past the link's end (the default lifetime is days; three months is past any).
    clock.advance(91 * 86_400);
    try {
      let cleared = false;
      const refusal = await invoicesReadingWith(
        runningBetweenReads(db, ['order', 'paymentCheckout'], n, async () => {
          cleared = true;
          await clears();
        }),
      )
        .view(token)
        .then(
          () => null,
          (err: unknown) => err as Error,
        );
      expect(cleared).toBe(true);
      expect(refusal?.message).toMatch(new RegExp(`^This invoice link for order #${order.number} at .+ has expired`));
      expect(refusal?.message).toContain(expected);
      expect(refusal?.message).not.toContain('Get a new one');
    } finally {
      clock.advance(-91 * 86_400);
    }
  });
});
