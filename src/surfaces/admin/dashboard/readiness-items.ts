// The "Before your first order" checklist in an owner's words: one sentence per gap the module found
// (modules/tenants/shop-readiness.query.ts decides what is missing; this file only says it), and the panel page
// that fixes it. A gap only the platform's operator can fix (the Discord server's link, the server's invoice
// links) has no page.
import type { PaymentMethod } from '../../../generated/prisma/index.js';
import { PROVIDER_DEFINITIONS } from '../../../modules/payments-processor/connections/provider-definitions.js';
import type { ReadinessGap } from '../../../modules/tenants/shop-readiness.query.js';
import { PAYMENT_METHOD_LABELS } from '../presentation/labels.js';

/** The panel pages the checklist links to. */
export interface ReadinessLinks {
  newProduct: string;
  products: string;
  newShippingType: string;
  shopSettings: string;
  payments: string;
  /** Where the dashboard posts the choice that settles the admin role item (server-admins-only.route.ts). */
  serverAdminsOnly: string;
}

export interface ReadinessItem {
  /** Stable per gap: `product`, `connection-PAYPAL`, `instructions-VENMO_P2P` ... */
  key: string;
  text: string;
  blocksOrders: boolean;
  /** The page that fixes it; absent for staff and for what only the operator can fix. */
  fix?: { label: string; url: string };
  /**
   * A choice that settles it without that page, when the gap is a choice the shop may make the other way (no
   * admin role: the server's administrators are the admins, modules/tenants/server-admins-only.ts). Admins only.
   */
  settle?: { label: string; url: string };
}

const method = (m: PaymentMethod) => PAYMENT_METHOD_LABELS[m];

const listed = (parts: string[]) => (parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);

function describe(gap: ReadinessGap): {
  key: string;
  text: string;
  fix?: { label: string; page: keyof ReadinessLinks };
  settle?: { label: string };
} {
  switch (gap.kind) {
    case 'guild':
      return {
        key: 'guild',
        text: 'Your shop is not linked to a Discord server yet, so nobody can order from it: ask whoever runs Ledgerline to link your server.',
      };
    case 'product':
      return gap.products === 0
        ? {
            key: 'product',
            text: 'There is no product to order yet: add one, with its price.',
            fix: { label: 'Add a product', page: 'newProduct' },
          }
        : {
            key: 'product',
            text: 'None of your products can be ordered: each one is switched off (Active unticked) or out of stock.',
            fix: { label: 'Open products', page: 'products' },
          };
    case 'paymentMethod':
      return gap.enabled === 0
        ? {
            key: 'paymentMethod',
            text: 'No payment method is switched on, so /order stops at the payment step: tick at least one in Shop settings.',
            fix: { label: 'Choose payment methods', page: 'shopSettings' },
          }
        : {
            key: 'paymentMethod',
            text: 'None of the payment methods you switched on can take a payment yet (see below), so customers cannot finish an order.',
            fix: { label: 'Open shop settings', page: 'shopSettings' },
          };
    case 'connection': {
      const provider = PROVIDER_DEFINITIONS[gap.provider].label;
      const state =
        gap.status === null
          ? `the shop has no ${provider} connection`
          : gap.status === 'DISCONNECTED'
            ? `your ${provider} connection is disconnected`
            : gap.status === 'FAILED'
              ? `your ${provider} connection failed its last "Test connection"`
              : `your ${provider} connection has not passed "Test connection" yet`;
      return {
        key: `connection-${gap.method}`,
        text: `${method(gap.method)} is switched on, but ${state}: customers are not offered ${method(gap.method)}.`,
        fix: { label: 'Open Payments', page: 'payments' },
      };
    }
    case 'currency':
      return {
        key: `currency-${gap.method}`,
        text: `${gap.message} Customers are not offered ${method(gap.method)}.`,
        fix: { label: 'Open shop settings', page: 'shopSettings' },
      };
    case 'invoiceLinks':
      return {
        key: 'invoiceLinks',
        text: `${listed(gap.methods.map(method))} ${gap.methods.length === 1 ? 'is' : 'are'} paid on the invoice page, which this server cannot send customers to (its operator has not set PUBLIC_BASE_URL and INVOICE_LINK_SIGNING_SECRET): customers are not offered ${gap.methods.length === 1 ? 'it' : 'them'}.`,
      };
    case 'instructions':
      return {
        key: `instructions-${gap.method}`,
        text: `${method(gap.method)} is switched on without payment instructions: customers who choose it are told only that the shop will send them the details.`,
        fix: { label: 'Write payment instructions', page: 'shopSettings' },
      };
    case 'shippingType':
      return {
        key: 'shippingType',
        text: 'You sell products that are shipped, but there is no active shipping type: customers are not asked how to ship, and pay nothing for it.',
        fix: { label: 'Add a shipping type', page: 'newShippingType' },
      };
    case 'adminChannel':
      return {
        key: 'adminChannel',
        text: 'No admin channel is set: new orders are not posted in Discord for your admins to see and confirm.',
        fix: { label: 'Choose the admin channel', page: 'shopSettings' },
      };
    case 'adminChannelNotOwn':
      return {
        key: 'adminChannelNotOwn',
        text: `Your admin channel ${gap.reason === 'not-text' ? `is ${gap.what ?? 'not a text channel'}` : "is not a channel of your shop's Discord server"}, so new orders are not posted there: choose one of your server's text or announcement channels.`,
        fix: { label: 'Choose the admin channel', page: 'shopSettings' },
      };
    case 'adminRole':
      return {
        key: 'adminRole',
        text: "No admin role is set: in Discord, only the server's own administrators can confirm payments and refund orders.",
        fix: { label: 'Choose admin roles', page: 'shopSettings' },
        settle: { label: "Keep it to the server's administrators" },
      };
  }
}

/** The gaps as the checklist shows them; `links` null: no links (staff may not change these pages). */
export function readinessItems(gaps: ReadinessGap[], links: ReadinessLinks | null): ReadinessItem[] {
  return gaps.map((gap) => {
    const { key, text, fix, settle } = describe(gap);
    return {
      key,
      text,
      blocksOrders: gap.blocksOrders,
      ...(fix && links ? { fix: { label: fix.label, url: links[fix.page] } } : {}),
      ...(settle && links ? { settle: { label: settle.label, url: links.serverAdminsOnly } } : {}),
    };
  });
}
