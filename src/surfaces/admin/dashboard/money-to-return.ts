// The dashboard's "Money to return": a deleted order's payment the provider could not send back
// (modules/payments-processor/checkouts/flagged-payments.query.ts deletedOrdersMoneyToReturn) in one sentence,
// with its page under Sales -> Payments for deleted orders, where an admin marks it "Returned by hand".
// A deleted order has no page, so without this the admin channel's alert was the only place it was said.
import type { DeletedOrderMoneyToReturn } from '../../../modules/payments-processor/checkouts/flagged-payments.query.js';
import { PROVIDER_DEFINITIONS } from '../../../modules/payments-processor/connections/provider-definitions.js';
import { formatMoney } from '../../../platform/money.js';

export interface MoneyToReturnItem {
  id: string;
  amount: string;
  text: string;
  /** The payment's page (its "Returned by hand" button for an admin). */
  url: string;
}

export function moneyToReturnItems(rows: readonly DeletedOrderMoneyToReturn[], pageOf: (id: string) => string): MoneyToReturnItem[] {
  return rows.map((r) => {
    const provider = PROVIDER_DEFINITIONS[r.provider as keyof typeof PROVIDER_DEFINITIONS]?.label ?? r.provider;
    const amount = formatMoney(r.amountCents, r.currency);
    const how =
      r.provider === 'BTCPAY'
        ? `ask the customer for a Bitcoin address and pay it from the store's wallet (BTCPay invoice ${r.providerCheckoutId})`
        : `the provider did not refund it: return it another way (${provider} payment ${r.paymentReference ?? r.providerCheckoutId})`;
    return { id: r.id, amount, text: `${amount} paid through ${provider} for deleted order #${r.orderNumber}: ${how}.`, url: pageOf(r.id) };
  });
}
