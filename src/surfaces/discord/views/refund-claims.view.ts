// Where the order's refunds sent as BTCPay claims stand, for an admin's reply in Discord (/refund): waiting
// for the customer's claim, for the shop's approval or payment in BTCPay, on its way, paid, or cancelled. The
// claims come from refund-claims.query.ts, the query the panel's order page shows them from. Pure builder: one
// embed field, its lines kept whole within Discord's 1024 characters (newest first; the rest counted).
import { formatMoney } from '../../../platform/money.js';
import type { RefundClaim, RefundClaimState } from '../../../modules/payments-processor/checkouts/refund-claims.query.js';

const FIELD_VALUE_MAX = 1024;

const STATE_WORDS: Record<RefundClaimState, string> = {
  Unclaimed: 'not claimed yet: the customer has the link by DM, nothing has left',
  AwaitingApproval: '**claimed, waiting for your approval** in BTCPay',
  AwaitingPayment: '**approved, waiting to be paid** in BTCPay',
  InProgress: 'paid out by BTCPay, waiting for confirmations',
  Completed: 'paid: the customer has the money',
  Cancelled: '**cancelled** in BTCPay: the customer has not received it',
};

function claimLine(c: RefundClaim): string {
  const approval = c.state === 'Unclaimed' && c.awaitsApproval ? '; it will wait for your approval' : '';
  const where = c.adminUrl && c.state !== 'Completed' ? ` · <${c.adminUrl}>` : '';
  return `${formatMoney(c.amountCents, c.currency)}: ${STATE_WORDS[c.state]}${approval}${where}`;
}

/** The "BTCPay refund claims" field, or null when the order has none. */
export function refundClaimsField(claims: readonly RefundClaim[]): { name: string; value: string } | null {
  if (claims.length === 0) return null;
  const newest = [...claims].sort((a, b) => b.at.getTime() - a.at.getTime());
  const lines: string[] = [];
  let used = 0;
  for (const [i, c] of newest.entries()) {
    const line = claimLine(c);
    const more = newest.length - i - 1;
    // Keep room for the "and N more" line whenever a claim could still follow.
    const reserve = more > 0 ? 40 : 0;
    if (used + line.length + 1 + reserve > FIELD_VALUE_MAX) {
      lines.push(`… and ${newest.length - i} more: see the order in the admin panel`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return { name: newest.length === 1 ? 'BTCPay refund claim' : 'BTCPay refund claims', value: lines.join('\n') };
}
