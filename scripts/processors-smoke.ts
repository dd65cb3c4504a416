// npm run processors:smoke — runs our provider adapters against the providers' REAL sandboxes when sandbox
// credentials are in the environment, and says plainly which were skipped otherwise. Nothing here touches
// the database. Square and BTCPay: see square() and btcpay() below. PayPal: OAuth token (Test connection), create an order for $1.00 (intent CAPTURE), read it
// back (PAYER_ACTION_REQUIRED), and print the approval link: paying it needs a sandbox buyer account, so
// capture and refund are exercised by the fake in the test suite, and here only when PAYPAL_SANDBOX_ORDER_ID
// names an order a sandbox buyer already approved (then it is captured and refunded in full).
import 'dotenv/config';
import { randomUUID } from 'node:crypto';
import { createPayPalAdapter } from '../src/modules/payments-processor/providers/paypal/paypal.adapter.js';
import type { BtcPayConnection, PayPalConnection, SquareConnection } from '../src/modules/payments-processor/providers/provider.port.js';
import { BtcPayAdapter } from '../src/modules/payments-processor/providers/btcpay/btcpay.adapter.js';
import { SquareAdapter } from '../src/modules/payments-processor/providers/square/square.adapter.js';

type Outcome = 'passed' | 'skipped' | 'failed';
const results: { provider: string; outcome: Outcome; detail: string }[] = [];

async function paypal(): Promise<void> {
  const clientId = process.env.PAYPAL_SANDBOX_CLIENT_ID;
  const clientSecret = process.env.PAYPAL_SANDBOX_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    results.push({
      provider: 'PayPal',
      outcome: 'skipped',
      detail: 'set PAYPAL_SANDBOX_CLIENT_ID and PAYPAL_SANDBOX_CLIENT_SECRET (developer.paypal.com -> Apps & Credentials -> Sandbox)',
    });
    return;
  }
  const adapter = createPayPalAdapter({ timeoutMs: 20_000, now: () => new Date() });
  const conn: PayPalConnection = {
    provider: 'PAYPAL',
    environment: 'sandbox',
    apiBaseUrl: 'https://api-m.sandbox.paypal.com',
    clientId,
    clientSecret,
    webhookId: process.env.PAYPAL_SANDBOX_WEBHOOK_ID ?? 'unused',
  };
  const test = await adapter.testConnection(conn);
  if (!test.ok) throw new Error(`Test connection: ${test.message}`);
  const created = await adapter.createCheckout(conn, {
    orderId: `ord_smoke${Date.now()}`,
    orderNumber: 1,
    amountCents: 100,
    currency: 'USD',
    returnUrl: 'https://example.com/return',
    cancelUrl: 'https://example.com/cancel',
    idempotencyKey: randomUUID(),
    description: 'Ledgerline smoke test',
  });
  const read = await adapter.getCheckout(conn, created.providerCheckoutId);
  if (read.state !== 'OPEN') throw new Error(`new order should be OPEN, PayPal says ${read.providerStatus}`);
  let detail = `${test.message} Created order ${created.providerCheckoutId} (${read.providerStatus}); approve it as a sandbox buyer at ${created.redirectUrl}`;
  const approved = process.env.PAYPAL_SANDBOX_ORDER_ID;
  if (approved) {
    const captured = await adapter.capture!(conn, approved, randomUUID());
    if (captured.state !== 'PAID' || !captured.paymentReference) throw new Error(`capture of ${approved}: ${captured.providerStatus}`);
    const refund = await adapter.refund(conn, {
      paymentReference: captured.paymentReference,
      providerCheckoutId: approved,
      amountCents: captured.paidAmountCents ?? 0,
      currency: captured.currency ?? 'USD',
      full: true,
      idempotencyKey: randomUUID(),
      reason: 'smoke test',
    });
    detail += `; captured ${approved} (${captured.providerStatus}) and refunded it (${refund.providerStatus})`;
  }
  results.push({ provider: 'PayPal', outcome: 'passed', detail });
}

/**
 * Square sandbox: Test connection (the location), a Cash App payment of $1.00 with Square's sandbox token
 * wnon:cash-app-ok (COMPLETED, WALLET), read back, a declined one with wnon:cash-app-declined (refused), and a
 * partial then full refund (PENDING at first, as Square answers).
 */
async function square(): Promise<void> {
  const accessToken = process.env.SQUARE_SANDBOX_ACCESS_TOKEN;
  const locationId = process.env.SQUARE_SANDBOX_LOCATION_ID;
  if (!accessToken || !locationId) {
    results.push({
      provider: 'Square',
      outcome: 'skipped',
      detail:
        'set SQUARE_SANDBOX_ACCESS_TOKEN and SQUARE_SANDBOX_LOCATION_ID (developer.squareup.com -> your app -> Credentials / Locations, Sandbox tab)',
    });
    return;
  }
  const adapter = new SquareAdapter({ timeoutMs: 20_000 });
  const conn: SquareConnection = {
    provider: 'SQUARE',
    environment: 'sandbox',
    apiBaseUrl: process.env.SQUARE_API_BASE_URL ?? 'https://connect.squareupsandbox.com',
    webPaymentsSdkUrl: 'https://sandbox.web.squarecdn.com/v1/square.js',
    accessToken,
    locationId,
    applicationId: process.env.SQUARE_SANDBOX_APPLICATION_ID ?? 'unused',
    webhookSignatureKey: 'unused',
  };
  const test = await adapter.testConnection(conn);
  if (!test.ok) throw new Error(`Test connection: ${test.message}`);
  const orderId = `ord_smoke${Date.now()}`;
  const paid = await adapter.charge!(conn, {
    sourceToken: 'wnon:cash-app-ok',
    amountCents: 100,
    currency: 'USD',
    idempotencyKey: randomUUID(),
    orderId,
    note: 'Ledgerline smoke test',
  });
  if (paid.state !== 'PAID' || !paid.paymentReference) throw new Error(`Cash App payment: ${paid.providerStatus}`);
  const read = await adapter.getCheckout(conn, paid.providerCheckoutId);
  if (read.state !== 'PAID' || read.orderId !== orderId) throw new Error(`read back: ${read.providerStatus}`);
  const declined = await adapter.charge!(conn, {
    sourceToken: 'wnon:cash-app-declined',
    amountCents: 100,
    currency: 'USD',
    idempotencyKey: randomUUID(),
    orderId,
    note: 'smoke decline',
  }).then(
    () => 'charged',
    (e: Error) => e.name,
  );
  if (declined !== 'ProviderRejectedError') throw new Error(`the declined token should be refused, got ${declined}`);
  const part = await adapter.refund(conn, {
    paymentReference: paid.paymentReference,
    providerCheckoutId: paid.providerCheckoutId,
    amountCents: 40,
    currency: 'USD',
    full: false,
    idempotencyKey: randomUUID(),
    reason: 'smoke partial',
  });
  const rest = await adapter.refund(conn, {
    paymentReference: paid.paymentReference,
    providerCheckoutId: paid.providerCheckoutId,
    amountCents: 60,
    currency: 'USD',
    full: true,
    idempotencyKey: randomUUID(),
    reason: 'smoke rest',
  });
  results.push({
    provider: 'Square',
    outcome: 'passed',
    detail: `${test.message} Paid ${paid.providerCheckoutId} (${paid.providerStatus}); decline refused; refunds ${part.providerStatus} and ${rest.providerStatus}`,
  });
}

/**
 * A BTCPay Server you run (testnet/regtest or a demo instance): Test connection (the store), an invoice for
 * $1.00 (New, checkoutLink), read back, then voided (marked Invalid). Paying needs a wallet, so payment and
 * refunds are exercised by the fake in the test suite.
 */
async function btcpay(): Promise<void> {
  const serverUrl = process.env.BTCPAY_SMOKE_URL;
  const storeId = process.env.BTCPAY_SMOKE_STORE_ID;
  const apiKey = process.env.BTCPAY_SMOKE_API_KEY;
  if (!serverUrl || !storeId || !apiKey) {
    results.push({
      provider: 'BTCPay',
      outcome: 'skipped',
      detail: 'set BTCPAY_SMOKE_URL, BTCPAY_SMOKE_STORE_ID and BTCPAY_SMOKE_API_KEY (your BTCPay Server: Account -> API keys)',
    });
    return;
  }
  const adapter = new BtcPayAdapter({ timeoutMs: 20_000 });
  const conn: BtcPayConnection = { provider: 'BTCPAY', serverUrl, storeId, apiKey, webhookSecret: 'unused' };
  const test = await adapter.testConnection(conn);
  if (!test.ok) throw new Error(`Test connection: ${test.message}`);
  const created = await adapter.createCheckout(conn, {
    orderId: `ord_smoke${Date.now()}`,
    orderNumber: 1,
    amountCents: 100,
    currency: 'USD',
    returnUrl: 'https://example.com/return',
    cancelUrl: 'https://example.com/cancel',
    idempotencyKey: randomUUID(),
    description: 'Ledgerline smoke test',
  });
  const read = await adapter.getCheckout(conn, created.providerCheckoutId);
  if (read.state !== 'OPEN') throw new Error(`new invoice should be OPEN, BTCPay says ${read.providerStatus}`);
  await adapter.voidCheckout(conn, created.providerCheckoutId);
  const voided = await adapter.getCheckout(conn, created.providerCheckoutId);
  if (voided.state !== 'VOIDED') throw new Error(`voided invoice should be VOIDED, BTCPay says ${voided.providerStatus}`);
  results.push({
    provider: 'BTCPay',
    outcome: 'passed',
    detail: `${test.message} Invoice ${created.providerCheckoutId} created (${created.redirectUrl}) and voided (${voided.providerStatus})`,
  });
}

for (const [name, run] of [
  ['PayPal', paypal],
  ['Square', square],
  ['BTCPay', btcpay],
] as const) {
  try {
    await run();
  } catch (err) {
    results.push({ provider: name, outcome: 'failed', detail: (err as Error).message });
  }
}
for (const r of results)
  process.stdout.write(
    `${r.outcome === 'passed' ? 'PASSED ' : r.outcome === 'skipped' ? 'SKIPPED' : 'FAILED '} ${r.provider}: ${r.detail}\n`,
  );
if (results.every((r) => r.outcome === 'skipped'))
  process.stdout.write('No sandbox credentials in the environment: nothing was run against a real provider.\n');
process.exit(results.some((r) => r.outcome === 'failed') ? 1 : 0);
