// The audit trail as a person reads it: who, what in words, and for each changed field its value before and
// after ("Price: $25.00 -> $30.00"), money as money, times in the shop's time zone, enum values as words.
// Pure: the caller passes the entries, the names of the actors and the words it uses (the admin surface
// has its labels in surfaces/admin/presentation/labels.ts; this module cannot import a surface).
import type { AuditLog } from '../../generated/prisma/index.js';
import { formatMoney } from '../../platform/money.js';
import { formatDateTime } from '../../platform/time-format.js';
import { actorKey, type ActorNames } from './actor-names.js';

export interface TimelineChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

export interface TimelineItem {
  id: string;
  /** ISO time, for sorting and machines. */
  at: string;
  /** The same time as the shop reads it. */
  when: string;
  who: string;
  what: string;
  changes: TimelineChange[];
}

export interface TimelineOptions {
  timeZone: string;
  currency: string;
  /** Actors' names by actorKey (actor-names.ts: an admin's email, an API key's name, a Discord admin's name). */
  actors?: ActorNames;
  /** Words for actor types (PANEL_ADMIN -> "Admin") when the actor has no name. */
  actorTypes?: Readonly<Record<string, string>>;
  /** Field -> (stored value -> word), e.g. status -> { PENDING_PAYMENT: "Awaiting payment" }, or role ids -> names. */
  words?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Field -> label, where the humanised field name is not right. */
  fieldLabels?: Readonly<Record<string, string>>;
  /**
   * Field -> its change as lines of its own, for a column holding a group of a form's fields (a shop's
   * instructions per payment method: "Venmo handle: @a -> @b"), where one "before -> after" would be its JSON.
   */
  fieldChanges?: Readonly<Record<string, (before: unknown, after: unknown) => TimelineChange[]>>;
}

const ENTITY_WORDS: Record<string, string> = {
  tenant: 'the shop settings',
  product: 'the product',
  shipping_type: 'the shipping type',
  shippingtype: 'the shipping type',
  discount: 'the discount',
  admin_user: 'the admin user',
  adminuser: 'the admin user',
  guild: 'the Discord server link',
  order: 'the order',
  payment: 'the payment',
  refund: 'a refund',
  api_key: 'the API key',
  apikey: 'the API key',
  entitlement: 'the Discord role',
};

const VERB_WORDS: Record<string, string> = {
  created: 'Created',
  updated: 'Changed',
  deleted: 'Deleted',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  refunded: 'Refunded',
  revoked: 'Revoked',
  granted: 'Granted',
  linked: 'Linked',
  unlinked: 'Unlinked',
};

/** Whole actions whose words do not follow "<verb> <subject>" (the order page's events). */
const ACTION_WORDS: Record<string, string> = {
  'payment.confirmed': 'Payment confirmed',
  'payment.rejected': 'Payment rejected',
  'payment.checkout_paid': 'Paid by checkout',
  'payment.capture_refused': 'Payment refused by the processor at capture: nothing was taken',
  'order.refunded': 'Refunded',
  'order.cancelled': 'Cancelled the order',
  'order.items_changed': "Changed the order's items",
  'order.invoice_link_created': 'Created an invoice link',
  'order.invoice_link_sent': 'Sent the invoice link to the customer',
  'order.payment_window_extended': 'Gave the customer more time to pay',
  'order.payment_window_held': 'Kept the order past its deadline: a payment was on its way',
  'refund.manual_return_done': 'Ticked the by-hand refund as sent',
  // The refund job's outcome (payments-processor/processor-refund.jobs.ts): the processor took the refund, or did
  // not return it ("Refund sent the payment" before). modules/refunds/refund-money-back.ts names both.
  'payment.refund_sent': 'Refund sent through the payment processor',
  'payment.refund_failed': 'Refund NOT returned by the payment processor: return the money another way',
  'payment.overpayment_returned': 'Marked the overpayment as returned to the customer',
  'customer.dm_not_erased':
    "Discord refused to edit a message the bot sent the customer, so it still says what it said (the customer's Discord settings no longer let the bot reach them); erasing the customer again later tries again",
  'tenant.server_admins_only_chosen': "Chose: in Discord, only the server's administrators are admins (no admin role)",
  'tenant.server_admins_only_undone': "Undid the choice that only the server's administrators are admins in Discord",
};

/** "order.updated" -> "Changed the order"; "product.created" -> "Created the product". */
export function describeAction(action: string): string {
  if (ACTION_WORDS[action]) return ACTION_WORDS[action];
  const [entity = '', ...rest] = action.split('.');
  const verb = rest.join(' ');
  const subject = ENTITY_WORDS[entity.toLowerCase()] ?? `the ${entity.replace(/[_-]/g, ' ')}`;
  const verbWord = VERB_WORDS[verb] ?? (verb ? verb.charAt(0).toUpperCase() + verb.slice(1).replace(/[_-]/g, ' ') : 'Changed');
  return `${verbWord} ${subject}`;
}

/** "unitPriceCents" -> "Unit price", "requiredRoleIds" -> "Required roles". */
export function fieldLabel(field: string): string {
  const base = field
    .replace(/Cents$/, '')
    .replace(/RoleIds$/, 'Roles')
    .replace(/Ids$/, 's')
    .replace(/Id$/, '');
  const words = base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function formatValue(field: string, value: unknown, opts: TimelineOptions): string {
  if (value === null || value === undefined || value === '') return '—';
  const words = opts.words?.[field];
  if (Array.isArray(value)) return value.length ? value.map((v) => formatValue(field, v, opts)).join(', ') : 'none';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number' && /Cents$/.test(field)) return formatMoney(value, opts.currency);
  if (typeof value === 'string') {
    if (words?.[value]) return words[value]!;
    if (ISO_TIME.test(value)) return formatDateTime(value, opts.timeZone);
    return value;
  }
  if (typeof value === 'number') return String(value);
  // A stored object (e.g. a refunded line {productId, quantity, amountCents}) reads as its labelled fields.
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${fieldLabel(k)}: ${formatValue(k, v, opts)}`)
      .join(', ');
  }
  return JSON.stringify(value);
}

/** Fields a creation's entry holds (for the record) but its timeline does not show. */
const ON_CREATION_ONLY_NOISE = new Set(['id', 'tenant', 'tenantId']);

type Entry = Pick<AuditLog, 'id' | 'action' | 'actorType' | 'actorId' | 'before' | 'after' | 'createdAt'>;

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Newest first, as a timeline is read. */
export function presentTimeline(entries: readonly Entry[], opts: TimelineOptions): TimelineItem[] {
  return [...entries]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id))
    .map((e) => {
      const before = asRecord(e.before);
      const after = asRecord(e.after);
      // A record's creation lists what was typed: its new id and its shop are the page it is on, not news.
      const created = e.before === null || Object.keys(before).length === 0;
      // A field an entry records on both sides with the same value did not change ("Status: Awaiting payment ->
      // Awaiting payment" on a part payment): left out.
      const same = (f: string) => f in before && f in after && JSON.stringify(before[f]) === JSON.stringify(after[f]);
      const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
        (f) => !(created && ON_CREATION_ONLY_NOISE.has(f)) && !same(f),
      );
      const named = e.actorId ? opts.actors?.get(actorKey(e.actorType, e.actorId)) : undefined;
      return {
        id: e.id,
        at: e.createdAt.toISOString(),
        when: formatDateTime(e.createdAt, opts.timeZone),
        who: named ?? opts.actorTypes?.[e.actorType] ?? e.actorType,
        what: describeAction(e.action),
        changes: fields.flatMap((field) => {
          const grouped = opts.fieldChanges?.[field];
          if (grouped) return grouped(before[field], after[field]);
          return [
            {
              field,
              label: opts.fieldLabels?.[field] ?? fieldLabel(field),
              before: field in before ? formatValue(field, before[field], opts) : '—',
              after: field in after ? formatValue(field, after[field], opts) : '—',
            },
          ];
        }),
      };
    });
}
