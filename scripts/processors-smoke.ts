// npm run processors:smoke — runs our provider adapters against the providers' REAL sandboxes when sandbox
// credentials are in the environment, and says plainly which were skipped otherwise. Nothing here touches
// the database. PayPal: OAuth token (Test connection), create an order for $1.00 (intent CAPTURE), read it
// back (PAYER_ACTION_REQUIRED), and print the approval link: paying it needs a sandbox buyer account, so
// capture and refund are exercised by the fake in the test suite, and here only when PAYPAL_SANDBOX_ORDER_ID
// names an order a sandbox buyer already approved (then it is captured and refunded in full).
import 'dotenv/config';
import { randomUUID } from 'node:crypto';
import { createPayPalAdapter } from '../src/modules/payments-processor/providers/paypal/paypal.adapter.js';
import type { PayPalConnection } from '../src/modules/payments-processor/providers/provider.port.js';

type Outcome = 'passed' | 'skipped' | 'failed';
const results: { provider: string; outcome: Outcome; detail: string }[] = [];

async function paypal(): Promise<void> {
  const clientId = process.env.PAYPAL_SANDBOX_CLIENT_ID;
  const clientSecret = process.env.PAYPAL_SANDBOX_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    results.push({ provider: 'PayPal', outcome: 'skipped', detail: 'set PAYPAL_SANDBOX_CLIENT_ID and PAYPAL_SANDBOX_CLIENT_SECRET (developer.paypal.com -> Apps & Credentials -> Sandbox)' });
    return;
  }
  const adapter = createPayPalAdapter({ timeoutMs: 20_000, now: () => new Date() });
  const conn: PayPalConnection = { provider: 'PAYPAL', environment: 'sandbox', apiBaseUrl: 'https://api-m.sandbox.paypal.com', clientId, clientSecret, webhookId: process.env.PAYPAL_SANDBOX_WEBHOOK_ID ?? 'unused' };
  const test = await adapter.testConnection(conn);
  if (!test.ok) throw new Error(`Test connection: ${test.message}`);
  const created = await adapter.createCheckout(conn, {
    orderId: `ord_smoke${Date.now()}`, orderNumber: 1, amountCents: 100, currency: 'USD',
    returnUrl: 'https://example.com/return', cancelUrl: 'https://example.com/cancel', idempotencyKey: randomUUID(), description: 'Ledgerline smoke test',
  });
  const read = await adapter.getCheckout(conn, created.providerCheckoutId);
  if (read.state !== 'OPEN') throw new Error(`new order should be OPEN, PayPal says ${read.providerStatus}`);
  let detail = `${test.message} Created order ${created.providerCheckoutId} (${read.providerStatus}); approve it as a sandbox buyer at ${created.redirectUrl}`;
  const approved = process.env.PAYPAL_SANDBOX_ORDER_ID;
  if (approved) {
    const captured = await adapter.capture!(conn, approved, randomUUID());
    if (captured.state !== 'PAID' || !captured.paymentReference) throw new Error(`capture of ${approved}: ${captured.providerStatus}`);
    const refund = await adapter.refund(conn, { paymentReference: captured.paymentReference, providerCheckoutId: approved, amountCents: captured.paidAmountCents ?? 0, currency: captured.currency ?? 'USD', full: true, idempotencyKey: randomUUID(), reason: 'smoke test' });
    detail += `; captured ${approved} (${captured.providerStatus}) and refunded it (${refund.providerStatus})`;
  }
  results.push({ provider: 'PayPal', outcome: 'passed', detail });
}

for (const [name, run] of [['PayPal', paypal]] as const) {
  try {
    await run();
  } catch (err) {
    results.push({ provider: name, outcome: 'failed', detail: (err as Error).message });
  }
}
// Square (Cash App Pay) and BTCPay add their own checks here (SQUARE_SANDBOX_*, BTCPAY_SMOKE_*).
for (const r of results) process.stdout.write(`${r.outcome === 'passed' ? 'PASSED ' : r.outcome === 'skipped' ? 'SKIPPED' : 'FAILED '} ${r.provider}: ${r.detail}\n`);
if (results.every((r) => r.outcome === 'skipped')) process.stdout.write('No sandbox credentials in the environment: nothing was run against a real provider.\n');
process.exit(results.some((r) => r.outcome === 'failed') ? 1 : 0);
