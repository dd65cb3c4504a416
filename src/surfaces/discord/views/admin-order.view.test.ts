// The admin post while a checkout of the order is live (checkoutInstruction): within Discord's limits with the most
// an order can list, the decision's room still free, and its words gone once the payment is decided.
import { describe, expect, it } from 'vitest';
import type { Customer, Order, OrderItem } from '../../../generated/prisma/index.js';
import type { OrderCheckoutNow } from '../../../modules/payments-processor/checkouts/order-checkout-now.js';
import { embedChars, MESSAGE_EMBED_CHARS_MAX } from '../replies.js';
import { adminOrderMessage, decidedAdminMessage, receivedText, settledAdminMessage } from './admin-order.view.js';

const items = Array.from({ length: 300 }, (_, i) => ({
  id: `oi_${i}`,
  productId: `prd_${i}`,
  name: `A product with a long name, number ${String(i).padStart(3, '0')} of a long series`.slice(0, 100),
  quantity: 999,
  unitPriceCents: 99_999_99,
})) as unknown as OrderItem[];
const order = {
  id: 'ord_1',
  number: 1042,
  currency: 'USD',
  subtotalCents: 100,
  discountCents: 0,
  shippingCents: 0,
  taxAmountCents: 0,
  totalCents: 4250,
  amountReceivedCents: 0,
  overpaymentReturnedCents: 0,
  paymentReference: 'LL-1042-ABCD',
  shippingAddress: null,
  createdAt: new Date('2026-12-06T01:00:00Z'),
  items,
  refunds: [],
} as unknown as Order & { items: OrderItem[]; refunds: [] };
const customer = { id: 'cus_1', discordUserId: '123456789012345678', username: 'buyer', displayName: 'Buyer' } as Pick<
  Customer,
  'id' | 'discordUserId' | 'username' | 'displayName'
>;
const checkout = (state: OrderCheckoutNow['state']): OrderCheckoutNow => ({
  checkoutId: 'chk_1',
  provider: 'PAYPAL',
  method: 'PAYPAL',
  state,
  amountCents: 4250,
  currency: 'USD',
  since: new Date('2026-12-06T01:30:00Z'),
  closesAt: null,
});
const post = (c: OrderCheckoutNow | null) =>
  adminOrderMessage({ order, customer, paymentId: 'pay_1', paymentMethod: 'VENMO_P2P', checkout: c, refundOutcomes: new Map() });
const ids = (m: ReturnType<typeof post>) =>
  (m.components ?? []).flatMap((r) => ('components' in r ? r.components.map((b) => ('custom_id' in b ? b.custom_id : '')) : []));

describe('the admin post with a live checkout', () => {
  it('money on its way: says since when, offers only Reject, and fits with the decision still to come', () => {
    const m = post(checkout('PENDING'));
    const e = m.embeds![0]!;
    expect(e.title).toBe('New order #1042 · payment on its way');
    expect(e.description).toContain('Customer is paying online with PayPal: money on its way since <t:1796520600:f> (<t:1796520600:R>)');
    expect(ids(m)).toEqual(['payment:reject:pay_1']);
    expect(e.description!.length).toBeLessThanOrEqual(4096);
    const decided = decidedAdminMessage(e, { approved: false, by: '1', number: 1042, reason: 'r'.repeat(500) });
    expect(embedChars(decided.embeds!)).toBeLessThanOrEqual(MESSAGE_EMBED_CHARS_MAX);
    expect(decided.embeds![0]!.fields!.length).toBeLessThanOrEqual(25);
    expect(decided.embeds![0]!.description).not.toContain('Customer is paying online');
  });

  it('an open checkout: named, with Approve and Record kept; none: the post by payment method', () => {
    const open = post(checkout('OPEN'));
    expect(open.embeds![0]!.description).toContain('Customer opened a PayPal checkout for $42.50 <t:1796520600:f>');
    expect(ids(open)).toEqual(['payment:approve:pay_1', 'payment:receipt:pay_1:r0', 'payment:reject:pay_1']);
    expect(embedChars(open.embeds!)).toBeLessThanOrEqual(MESSAGE_EMBED_CHARS_MAX);
    // An order placed with PayPal offers no Approve: the words name only Record.
    const online = adminOrderMessage({
      order,
      customer,
      paymentId: 'pay_1',
      paymentMethod: 'PAYPAL',
      checkout: checkout('OPEN'),
      refundOutcomes: new Map(),
    });
    expect(online.embeds![0]!.description).toContain('Recording money here closes that checkout');
    expect(online.embeds![0]!.description).not.toMatch(/Approv/);
    expect(ids(online)).toEqual(['payment:receipt:pay_1:r0', 'payment:reject:pay_1']);
    // PayPal does not say when it drops an order nobody approved: the post says so, and names no time.
    expect(open.embeds![0]!.description).toContain(
      'If nobody pays it, PayPal closes it by itself after a time PayPal does not tell us in advance, and this line goes then.',
    );
    // Where the time is known (Cash App Pay's window, a Bitcoin invoice's expiry), it is given as Discord shows times.
    const bitcoin = post({ ...checkout('OPEN'), provider: 'BTCPAY', method: 'BTC_INVOICE', closesAt: new Date('2026-12-06T02:00:00Z') });
    expect(bitcoin.embeds![0]!.description).toContain(
      'If nobody pays it, it closes by itself <t:1796522400:f> (<t:1796522400:R>) and this line goes.',
    );
    // A Bitcoin invoice opened before its expiry was kept: BTCPay does set one, so the post does not say it does not.
    const older = post({ ...checkout('OPEN'), provider: 'BTCPAY', method: 'BTC_INVOICE', closesAt: null });
    expect(older.embeds![0]!.description).toContain(
      'If nobody pays it, BTCPay closes it by itself when its invoice expires, and this line goes then.',
    );
    const none = post(null);
    expect(none.embeds![0]!.description).toContain('Approve once the money has arrived');
    expect(none.embeds![0]!.title).toBe('New order #1042 · awaiting payment');
  });
});

// A cancelled order's "Received" (receivedText): what of the money received is still to send back, less what already
// went back to the customer. It asked for all of amountReceived whatever had been returned since.
describe("a cancelled order's Received field", () => {
  const cancelled = { ...order, status: 'CANCELLED', paymentMethod: 'ZELLE', totalCents: 5500, amountReceivedCents: 2000 } as const;
  const byHand = (amountCents: number, doneAt: Date | null) => ({
    id: 'ref_hand',
    amountCents,
    manualReturnMethod: 'ZELLE' as const,
    manualReturnCents: null,
    manualReturnDoneAt: doneAt,
  });
  const processor = (amountCents: number) => ({
    id: 'ref_processor',
    amountCents,
    manualReturnMethod: null,
    manualReturnCents: null,
    manualReturnDoneAt: null,
  });
  const sent = new Map([['ref_processor', 'SENT' as const]]);

  it('asks for what is still to send back by hand, not for what the processor already returned', () => {
    expect(receivedText({ ...cancelled, refunds: [processor(500), byHand(1500, null)] }, sent)).toBe(
      "$20.00 of $55.00 received · **cancelled: return $15.00** to the customer by Zelle, then tick it done on the order's page in the admin panel",
    );
  });

  it("a processor part still being sent is neither returned nor the shop's to return by hand; a refused one is", () => {
    const refunds = [processor(500), byHand(1500, null)];
    expect(receivedText({ ...cancelled, refunds }, new Map([['ref_processor', 'BEING_SENT' as const]]))).toBe(
      "$20.00 of $55.00 received · **cancelled: return $15.00** to the customer by Zelle, then tick it done on the order's page in the admin panel · $5.00: being sent to the payment processor",
    );
    expect(receivedText({ ...cancelled, refunds }, new Map([['ref_processor', 'FAILED' as const]]))).toBe(
      "$20.00 of $55.00 received · **cancelled: return $20.00** to the customer by Zelle, then tick it done on the order's page in the admin panel",
    );
  });

  it('once the by-hand return is ticked sent, says it was returned and asks for nothing', () => {
    const text = receivedText({ ...cancelled, refunds: [byHand(2000, new Date('2026-12-06T08:00:00Z'))] }, new Map());
    expect(text).toBe('$20.00 of $55.00 received · cancelled: $20.00 returned to the customer');
  });
});

// The most an order lists, and the longest words its Decision can take: the post stays within Discord's limits. A
// shop's cancel note is up to 1,000 characters (cancel-order.command.ts), more than the room kept for a rejection's
// 500: the settled post went past 6,000, Discord refused the edit, and the post stayed "awaiting payment" with its
// buttons live. A second admin's rejection on a decided post added a second Decision field, past 6,000 too.
describe('the admin post at its fullest, decided', () => {
  const address = {
    name: 'n'.repeat(100),
    line1: 'a'.repeat(200),
    line2: 'b'.repeat(200),
    city: 'c'.repeat(100),
    postalCode: '1'.repeat(20),
    country: 'US',
  };
  const full = {
    ...order,
    shippingAddress: address,
    status: 'CANCELLED',
    amountReceivedCents: 2000,
    totalCents: 5500,
  } as unknown as typeof order;
  const input = { order: full, customer, paymentId: 'pay_1', paymentMethod: 'ZELLE' as const, refundOutcomes: new Map() };

  it('a cancel with a 1,000-character note fits, the note whole, the items listing fewer', () => {
    const note = 'x'.repeat(1000);
    const settled = settledAdminMessage({ ...input, outcome: `Cancelled by the shop: ${note}`, paid: false });
    expect(embedChars(settled.embeds!)).toBeLessThanOrEqual(MESSAGE_EMBED_CHARS_MAX);
    expect(settled.embeds![0]!.fields!.find((f) => f.name === 'Decision')!.value).toBe(`Cancelled by the shop: ${note}`);
    expect(settled.embeds![0]!.fields!.length).toBeLessThanOrEqual(25);
    // A short outcome keeps the usual room: the same items as the unsettled post.
    const short = settledAdminMessage({ ...input, outcome: 'Expired: not paid in time', paid: false });
    const itemFields = (m: typeof short) => m.embeds![0]!.fields!.filter((f) => f.name.startsWith('Items')).map((f) => f.value);
    expect(itemFields(short)).toEqual(itemFields(adminOrderMessage(input)));
  });

  it("a second admin's rejection on a decided post keeps the first Decision, adds its line, and fits", () => {
    const first = decidedAdminMessage(adminOrderMessage(input).embeds![0], {
      approved: false,
      by: '1',
      number: 1042,
      reason: 'r'.repeat(500),
    });
    const second = decidedAdminMessage(first.embeds![0], {
      approved: false,
      by: '2',
      number: 1042,
      reason: 'r'.repeat(500),
      already: true,
    });
    expect(embedChars(second.embeds!)).toBeLessThanOrEqual(MESSAGE_EMBED_CHARS_MAX);
    const decisions = second.embeds![0]!.fields!.filter((f) => f.name === 'Decision');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.value).toMatch(/^Rejected by <@1>: r{500}\nAlready rejected; <@2>'s click changed nothing: r+/);
  });
});
