// The panel's words for stored enum values, and the colours of status badges: ONE place for both, used by
// the resources (select options, list and show columns) and handed to the custom components through the
// record's params or a property's `custom` (components are bundled separately and cannot import this).
// Every badge pair meets WCAG AA for normal text (contrast >= 4.5:1), proven in labels.test.ts.
import type {
  ActorType,
  AdminRole,
  CheckoutState,
  ConnectionStatus,
  DigitalKind,
  DiscountScope,
  DiscountType,
  OrderStatus,
  PaymentMethod,
  PaymentStatus,
  RoleChangeAction,
  RoleChangeState,
  RoleRemovalPolicy,
  ShippingStatus,
  WebhookDeliveryStatus,
} from '../../../generated/prisma/index.js';
import { API_KEY_ACCESS_LABELS, type ApiKeyAccess } from '../../../modules/api-keys/api-key-access.js';
import type { OrderCancelledPayload } from '../../../modules/shared/events.js';
import { ORDER_STATUS_LABELS, SHIPPING_STATUS_LABELS } from '../../../modules/orders/index.js';
import { REFUND_MODE_LABELS } from '../../../modules/refunds/refund-mode-words.js';

/** The order's and its shipping's words, shared with the customer's /orders in Discord. */
export { ORDER_STATUS_LABELS, SHIPPING_STATUS_LABELS };

export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  PAYPAL: 'PayPal',
  CASHAPP_PAY: 'Cash App Pay',
  BTC_INVOICE: 'Bitcoin (invoice)',
  VENMO_P2P: 'Venmo',
  CASHAPP_P2P: 'Cash App (manual)',
  ZELLE: 'Zelle',
  CHIME: 'Chime',
  PAYPAL_MANUAL: 'PayPal (manual)',
  BTC_MANUAL: 'Bitcoin (manual)',
};

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  pending: 'Pending',
  awaiting_admin_approval: 'Awaiting your approval',
  paid: 'Paid',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
};

// The spec's mode names, shared with Discord's /refund answer (modules/refunds/refund-mode-words.ts).
export { REFUND_MODE_LABELS };

/** Why an order was cancelled (order.cancelled's reason); a refund's reason is the admin's own text and stays as typed. */
export const CANCEL_REASON_LABELS: Record<OrderCancelledPayload['reason'], string> = {
  payment_rejected: 'Payment rejected',
  admin_cancelled: 'Cancelled by the shop',
  customer_cancelled: 'Cancelled by the customer',
  expired: 'Not paid in time',
};

export const DISCOUNT_TYPE_LABELS: Record<DiscountType, string> = { PERCENT: 'Percent off', FIXED_AMOUNT: 'Fixed amount off' };
export const DISCOUNT_SCOPE_LABELS: Record<DiscountScope, string> = { GLOBAL: 'Every customer', ASSIGNED: 'Assigned customers only' };
export const DIGITAL_KIND_LABELS: Record<DigitalKind, string> = {
  LICENSE_KEY: 'Licence key (one per unit)',
  DOWNLOAD_LINK: 'Download link',
};
export const ROLE_REMOVAL_POLICY_LABELS: Record<RoleRemovalPolicy, string> = {
  REAPPLY: 'Give the role back',
  RECORD: 'Record it under Role changes',
};
export const ADMIN_ROLE_LABELS: Record<AdminRole, string> = {
  PLATFORM_ADMIN: 'Platform admin',
  TENANT_ADMIN: 'Shop admin',
  TENANT_STAFF: 'Staff',
};
/** A role change (Catalog -> Role changes): whether the bot has done it on Discord yet. */
export const ROLE_CHANGE_STATE_LABELS: Record<RoleChangeState, string> = { FAILED: 'Failed', PENDING: 'Waiting', DONE: 'Done' };
export const ROLE_CHANGE_ACTION_LABELS: Record<RoleChangeAction, string> = { GRANT: 'Give the role', REVOKE: 'Take the role away' };
/** An outgoing webhook message (Settings -> Webhook deliveries). PENDING covers the first try and the retries. */
export const WEBHOOK_DELIVERY_STATUS_LABELS: Record<WebhookDeliveryStatus, string> = {
  PENDING: 'Sending',
  SUCCEEDED: 'Delivered',
  FAILED: 'Failed',
};
/** A checkout opened at a payment provider, as our record of it stands (provider.port.ts ProviderCheckoutState). */
export const CHECKOUT_STATE_LABELS: Record<CheckoutState, string> = {
  CREATING: 'Being opened',
  OPEN: 'Waiting for the buyer',
  APPROVED: 'Approved, not captured yet',
  PENDING: 'Money on its way',
  PAID: 'Paid',
  FAILED: 'Failed',
  EXPIRED: 'Closed unpaid',
  VOIDED: 'Voided',
};
/** A payment connection's state on Settings -> Payments; NOT_CONNECTED: no connection saved yet. */
export const CONNECTION_STATUS_LABELS: Record<ConnectionStatus | 'NOT_CONNECTED', string> = {
  NOT_CONNECTED: 'Not connected',
  UNTESTED: 'Saved, not tested yet',
  CONNECTED: 'Connected',
  FAILED: 'Test failed',
  DISCONNECTED: 'Disconnected',
};

export const ACTOR_TYPE_LABELS: Record<ActorType, string> = {
  SYSTEM: 'Ledgerline',
  CUSTOMER: 'Customer',
  DISCORD_ADMIN: 'Admin on Discord',
  PANEL_ADMIN: 'Admin',
  API_KEY: 'API key',
};

/** A badge's colours: text on background. */
export interface BadgeColours {
  background: string;
  text: string;
}

// Tones: dark text on a light tint of the same hue (contrast checked in labels.test.ts).
const TONES = {
  waiting: { background: '#FFF4D6', text: '#6B4A00' },
  good: { background: '#DDF5E3', text: '#14532D' },
  progress: { background: '#DCEBFF', text: '#1E3A8A' },
  neutral: { background: '#ECEDF1', text: '#2F3140' },
  bad: { background: '#FDE2E1', text: '#8A1C1C' },
  refund: { background: '#F1E4FF', text: '#5B1F91' },
} as const satisfies Record<string, BadgeColours>;

export const ORDER_STATUS_BADGES: Record<OrderStatus, BadgeColours> = {
  PENDING_PAYMENT: TONES.waiting,
  PAID: TONES.good,
  FULFILLING: TONES.progress,
  SHIPPED: TONES.progress,
  COMPLETE: TONES.good,
  CANCELLED: TONES.neutral,
  REFUNDED: TONES.refund,
  PARTIALLY_REFUNDED: TONES.refund,
};

export const SHIPPING_STATUS_BADGES: Record<ShippingStatus, BadgeColours> = {
  PENDING: TONES.neutral,
  LABEL_CREATED: TONES.progress,
  SHIPPED: TONES.progress,
  DELIVERED: TONES.good,
  FAILED: TONES.bad,
};

export const PAYMENT_STATUS_BADGES: Record<PaymentStatus, BadgeColours> = {
  pending: TONES.waiting,
  awaiting_admin_approval: TONES.waiting,
  paid: TONES.good,
  rejected: TONES.bad,
  cancelled: TONES.neutral,
  partially_refunded: TONES.refund,
  refunded: TONES.refund,
};

/** An API key's access level in the keys' list: writing is the one to notice. */
export const API_KEY_ACCESS_BADGES: Record<ApiKeyAccess, BadgeColours> = {
  READ_ONLY: TONES.neutral,
  READ_WRITE: TONES.waiting,
};

/** A role change that failed needs the owner (the bot's role, a permission); one waiting is on its way. */
export const ROLE_CHANGE_STATE_BADGES: Record<RoleChangeState, BadgeColours> = {
  FAILED: TONES.bad,
  PENDING: TONES.waiting,
  DONE: TONES.good,
};

export const WEBHOOK_DELIVERY_STATUS_BADGES: Record<WebhookDeliveryStatus, BadgeColours> = {
  PENDING: TONES.waiting,
  SUCCEEDED: TONES.good,
  FAILED: TONES.bad,
};

/** A badge of one neutral tone for every value: enums a list shows in words, with nothing to tell apart by colour. */
function neutralBadges<K extends string>(labels: Record<K, string>): Record<K, BadgeColours> {
  return Object.fromEntries(Object.keys(labels).map((k) => [k, TONES.neutral])) as Record<K, BadgeColours>;
}
export const DISCOUNT_TYPE_BADGES = neutralBadges(DISCOUNT_TYPE_LABELS);
export const DISCOUNT_SCOPE_BADGES = neutralBadges(DISCOUNT_SCOPE_LABELS);
export const ADMIN_ROLE_BADGES = neutralBadges(ADMIN_ROLE_LABELS);
export const ROLE_CHANGE_ACTION_BADGES = neutralBadges(ROLE_CHANGE_ACTION_LABELS);

/** Every badge table, for the contrast test and for components that get them whole. */
export const ALL_BADGES = {
  order: ORDER_STATUS_BADGES,
  shipping: SHIPPING_STATUS_BADGES,
  payment: PAYMENT_STATUS_BADGES,
  apiKeyAccess: API_KEY_ACCESS_BADGES,
  discountType: DISCOUNT_TYPE_BADGES,
  discountScope: DISCOUNT_SCOPE_BADGES,
  adminRole: ADMIN_ROLE_BADGES,
  roleChangeState: ROLE_CHANGE_STATE_BADGES,
  roleChangeAction: ROLE_CHANGE_ACTION_BADGES,
  webhookDeliveryStatus: WEBHOOK_DELIVERY_STATUS_BADGES,
};

/** A label map as AdminJS `availableValues` (a select showing words, storing the enum value). */
export function availableValues(labels: Record<string, string>): { value: string; label: string }[] {
  return Object.entries(labels).map(([value, label]) => ({ value, label }));
}

/** The word for a stored value; the value itself when the map does not know it (never a blank). */
export function labelOf(labels: Record<string, string>, value: unknown): string {
  const key = String(value ?? '');
  return labels[key] ?? key;
}

/** WCAG 2.x contrast ratio of two #RRGGBB colours. */
export function contrastRatio(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Words per field name for the audit timeline (modules/audit/audit-timeline.ts presentTimeline `words`). */
export const FIELD_VALUE_WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  enabledPaymentMethods: PAYMENT_METHOD_LABELS,
  paymentMethod: PAYMENT_METHOD_LABELS,
  method: PAYMENT_METHOD_LABELS,
  status: { ...PAYMENT_STATUS_LABELS, ...ORDER_STATUS_LABELS },
  shippingStatus: SHIPPING_STATUS_LABELS,
  paymentStatus: PAYMENT_STATUS_LABELS,
  mode: REFUND_MODE_LABELS,
  role: ADMIN_ROLE_LABELS,
  type: DISCOUNT_TYPE_LABELS,
  scope: DISCOUNT_SCOPE_LABELS,
  digitalKind: DIGITAL_KIND_LABELS,
  roleRemovalPolicy: ROLE_REMOVAL_POLICY_LABELS,
  reason: CANCEL_REASON_LABELS,
  access: API_KEY_ACCESS_LABELS,
};
