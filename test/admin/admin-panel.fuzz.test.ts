// Property-based fuzz of the admin panel's HTTP API as its own frontend calls it: multipart form posts to
// New (`/actions/new`), Edit (`/records/<id>/edit`, with the shownValuesJson the form loaded) and the resources'
// own record actions (record a receipt, extend the pay window, refund, mark a refund sent, cancel, erase...).
// Each run takes a valid form of one resource and changes one thing: a field given a hostile value (wrong types,
// money strings, 100 KB, unicode, control characters), a field the form does not have (tenantId, nested keys,
// array elements where a scalar is expected), another shop's id in a relation field, a stale, junk or missing
// shownValuesJson. Callers: the shop's admin, its staff, another shop's admin, the platform admin. Properties:
// - never a 5xx, never the generic "Something went wrong" notice (resources/admin-errors.ts);
// - a refusal is a notice of type error and, when the one changed field of an otherwise valid form is what was
//   refused, a field error under that field;
// - a refused request changes no row of the shop (test/http/api/fuzz/shop-snapshot.ts) and so writes no audit entry;
// - another shop's rows are never changed, and its data never appears in an answer.
// Bounded for CI: a fixed seed (FUZZ_SEED=<n> picks another, FUZZ_RUNS=<n> runs more); fast-check prints the
// seed and the failing request.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { shopSnapshotter, type ShopSnapshot } from '../http/api/fuzz/shop-snapshot.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS) || 60;
const SEED = Number(process.env.FUZZ_SEED) || 20_261_205;
const GENERIC = 'Something went wrong';

const f = factories();
const db = testDb();
let app: RunningAdmin;
let snapshot: (tenantId: string) => Promise<ShopSnapshot>;

type Caller = 'admin' | 'staff' | 'otherAdmin' | 'platform';
const agents = {} as Record<Caller, AdminAgent>;

interface Shop {
  tenantId: string;
  customerId: string;
  productId: string;
  shippingTypeId: string;
  discountId: string;
  addressId: string;
  staffId: string;
  orderId: string;
  keysProductId: string;
  secrets: string[];
}
let shop: Shop;
let other: Shop;
let otherBaseline: ShopSnapshot;

async function makeShop(label: string): Promise<Shop> {
  const tenant = await f.tenant({ name: `${label} shop secret name` });
  const tenantId = tenant.id;
  const customer = await f.customer({ tenantId, displayName: `${label} secret customer` });
  const product = await f.product({ tenantId, name: `${label} secret product`, sku: `${label}-SKU` });
  const shippingType = await f.shippingType({ tenantId, name: `${label} secret shipping` });
  const discount = await f.discount({ tenantId, name: `${label} secret discount`, scope: 'ASSIGNED' });
  const address = await f.address({ tenantId, customerId: customer.id, line1: `${label} secret street 1` });
  const staff = await f.adminUser({ tenantId, role: 'TENANT_STAFF', email: `${label.toLowerCase()}-staff@test.local` });
  return {
    tenantId,
    customerId: customer.id,
    productId: product.id,
    shippingTypeId: shippingType.id,
    discountId: discount.id,
    addressId: address.id,
    staffId: staff.id,
    orderId: (await f.order({ tenantId, customerId: customer.id, status: 'PENDING_PAYMENT' })).id,
    keysProductId: (await f.product({ tenantId, digitalKind: 'LICENSE_KEY', trackStock: true, stock: 0 })).id,
    secrets: [`${label} shop secret name`, `${label} secret customer`, `${label} secret product`, `${label} secret street 1`],
  };
}

let serial = 0;
const next = () => ++serial;

/** One form of the panel: where it posts, a valid payload, its fields, and (Edit) whether it carries shownValuesJson. */
interface Form {
  name: string;
  resource: string;
  /** The record it acts on (a fresh one where the action uses it up), or none for New. */
  record?: () => Promise<string>;
  action: string;
  base: () => Record<string, string>;
  /** The fields whose refusal must come back under the field (the form's own inputs). */
  fields: string[];
  /** The form carries what it loaded (Edit): a save without it is refused as out of date. */
  shown?: boolean;
  /** Relation fields: another shop's id goes there. */
  relations?: string[];
  /** It makes a record of the caller's shop (another shop's admin would make one in theirs). */
  newRecords?: boolean;
  /**
   * The form's page shows a refusal's notice as the one message of its own small form (refund, new API key,
   * new webhook endpoint, upload keys): its fields are fuzzed, but no field error is looked for.
   */
  noticeOnly?: boolean;
}

const pendingOrder = async () => (await f.order({ tenantId: shop.tenantId, customerId: shop.customerId, status: 'PENDING_PAYMENT' })).id;
const paidOrder = async () =>
  (await f.order({ tenantId: shop.tenantId, customerId: shop.customerId, status: 'PAID', paymentStatus: 'paid', paidAt: new Date() })).id;

const PRODUCT = {
  name: 'Fuzz hat',
  description: '',
  price: '19.99',
  currency: 'USD',
  active: 'true',
  accessDays: '',
  digitalKind: '',
  downloadUrl: '',
  taxCode: '',
  trackStock: 'true',
  stock: '7',
  sortOrder: '2',
};
const SHIPPING = { name: 'Fuzz post', price: '4.50', active: 'true', sortOrder: '1' };
const DISCOUNT = {
  name: 'Fuzz sale',
  type: 'PERCENT',
  percentOff: '10',
  amountOff: '5.00',
  scope: 'GLOBAL',
  startsAt: '',
  endsAt: '',
  minSubtotal: '',
  maxUses: '',
  maxUsesPerCustomer: '',
  active: 'true',
};
const ADDRESS = { name: 'Pat', line1: '1 Fuzz St', line2: '', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };
const SETTINGS = {
  name: 'Fuzz Shop',
  currency: 'USD',
  'enabledPaymentMethods.0': 'VENMO_P2P',
  'enabledPaymentMethods.1': 'ZELLE',
  'paymentInstructions.VENMO_P2P.handle': '@fuzz',
  'paymentInstructions.VENMO_P2P.instructions': 'Pay @fuzz',
  adminChannelId: '',
  inventoryTracking: 'true',
  taxjarEnabled: 'false',
  taxjarApiKeyNew: '',
  addressValidation: 'false',
};

const FORMS: Form[] = [
  {
    name: 'Product new',
    resource: 'Product',
    action: 'new',
    base: () => ({ sku: `FZ-${next()}`, ...PRODUCT }),
    fields: ['sku', ...Object.keys(PRODUCT), 'grantedRoleIds', 'requiredRoleIds', 'grantedRoleIds.0', 'requiredRoleIds.0'],
    newRecords: true,
  },
  {
    name: 'Product edit',
    resource: 'Product',
    record: async () => shop.productId,
    action: 'edit',
    base: () => ({ sku: 'Shop-SKU', ...PRODUCT }),
    fields: ['sku', ...Object.keys(PRODUCT), 'grantedRoleIds', 'requiredRoleIds', 'grantedRoleIds.0', 'requiredRoleIds.0'],
    shown: true,
  },
  {
    name: 'ShippingType new',
    resource: 'ShippingType',
    action: 'new',
    base: () => ({ ...SHIPPING }),
    fields: Object.keys(SHIPPING),
    newRecords: true,
  },
  {
    name: 'ShippingType edit',
    resource: 'ShippingType',
    record: async () => shop.shippingTypeId,
    action: 'edit',
    base: () => ({ ...SHIPPING }),
    fields: Object.keys(SHIPPING),
    shown: true,
  },
  {
    name: 'Discount new',
    resource: 'Discount',
    action: 'new',
    base: () => ({ ...DISCOUNT }),
    fields: Object.keys(DISCOUNT),
    newRecords: true,
  },
  {
    name: 'Discount edit',
    resource: 'Discount',
    record: async () => shop.discountId,
    action: 'edit',
    base: () => ({ ...DISCOUNT }),
    fields: Object.keys(DISCOUNT),
    shown: true,
  },
  {
    name: 'DiscountAssignment new',
    resource: 'DiscountAssignment',
    action: 'new',
    base: () => ({ discount: shop.discountId, customer: shop.customerId }),
    fields: ['discount', 'customer'],
    relations: ['discount', 'customer'],
    newRecords: true,
  },
  {
    name: 'Address new',
    resource: 'Address',
    action: 'new',
    base: () => ({ customer: shop.customerId, ...ADDRESS }),
    fields: ['customer', ...Object.keys(ADDRESS)],
    relations: ['customer'],
    newRecords: true,
  },
  {
    name: 'Address edit',
    resource: 'Address',
    record: async () => shop.addressId,
    action: 'edit',
    base: () => ({ customer: shop.customerId, ...ADDRESS }),
    fields: ['customer', ...Object.keys(ADDRESS)],
    relations: ['customer'],
    shown: true,
  },
  {
    name: 'Customer edit',
    resource: 'Customer',
    record: async () => shop.customerId,
    action: 'edit',
    base: () => ({ displayName: 'Pat Fuzz' }),
    fields: ['displayName'],
    shown: true,
  },
  {
    name: 'Tenant edit',
    resource: 'Tenant',
    record: async () => shop.tenantId,
    action: 'edit',
    base: () => ({ ...SETTINGS }),
    fields: [
      ...Object.keys(SETTINGS),
      'enabledPaymentMethods',
      'paymentInstructions',
      'paymentInstructions.ZELLE.handle',
      'paymentWindowMinutes.VENMO_P2P',
      'adminRoleIds',
      'adminRoleIds.0',
      'roleRemovalPolicy',
      'timeZone',
    ],
    shown: true,
  },
  {
    name: 'AdminUser new',
    resource: 'AdminUser',
    action: 'new',
    base: () => ({
      email: `fuzz-${next()}@test.local`,
      role: 'TENANT_STAFF',
      tenant: shop.tenantId,
      password: 'a long enough passphrase 123',
    }),
    fields: ['email', 'role', 'password'],
    relations: ['tenant'],
    newRecords: true,
  },
  {
    name: 'AdminUser edit',
    resource: 'AdminUser',
    // A fresh one each run: a platform admin may move it to another shop, or make it a platform admin.
    record: async () => (await f.adminUser({ tenantId: shop.tenantId, role: 'TENANT_STAFF' })).id,
    action: 'edit',
    base: () => ({ email: `fuzz-staff-${next()}@test.local`, role: 'TENANT_STAFF', tenant: shop.tenantId, password: '' }),
    fields: ['email', 'role', 'password'],
    relations: ['tenant'],
    shown: true,
  },
  {
    name: 'Order edit',
    resource: 'Order',
    record: pendingOrder,
    action: 'edit',
    base: () => ({ status: 'PENDING_PAYMENT', shippingStatus: 'PENDING', trackingNumber: '', shippingCarrier: '', notes: 'fuzz' }),
    fields: ['status', 'shippingStatus', 'trackingNumber', 'shippingCarrier', 'notes', 'lineItems'],
    relations: ['lineItems'],
    shown: true,
  },
  {
    name: 'Order recordReceipt',
    resource: 'Order',
    record: pendingOrder,
    action: 'recordReceipt',
    base: () => ({ amount: '5.00', note: '' }),
    fields: ['amount', 'note'],
  },
  {
    name: 'Order extendPayWindow',
    resource: 'Order',
    record: pendingOrder,
    action: 'extendPayWindow',
    base: () => ({ extendByHours: '2' }),
    fields: ['extendByHours'],
  },
  { name: 'Order refund preview', resource: 'Order', record: paidOrder, action: 'refund', base: () => ({ intent: 'preview' }), fields: [] },
  {
    name: 'Order refund',
    resource: 'Order',
    record: paidOrder,
    action: 'refund',
    base: () => ({
      intent: 'refund',
      mode: 'PARTIAL_AMOUNT',
      amountCents: '100',
      lines: '[]',
      reason: 'fuzz',
      idempotencyKey: `fz-${next()}`,
    }),
    fields: ['intent', 'mode', 'amountCents', 'lines', 'reason', 'idempotencyKey'],
    noticeOnly: true,
  },
  { name: 'Order markAsPaid', resource: 'Order', record: pendingOrder, action: 'markAsPaid', base: () => ({}), fields: [] },
  {
    name: 'Customer erasePersonalData',
    resource: 'Customer',
    record: async () => (await f.customer({ tenantId: shop.tenantId })).id,
    action: 'erasePersonalData',
    base: () => ({}),
    fields: [],
  },
  {
    name: 'Product uploadKeys',
    resource: 'Product',
    record: async () => shop.keysProductId,
    action: 'uploadKeys',
    base: () => ({ keys: `KEY-${next()}\nKEY-${next()}` }),
    fields: ['keys'],
    noticeOnly: true,
  },
  {
    name: 'ApiKey createKey',
    resource: 'ApiKey',
    action: 'createKey',
    base: () => ({ name: 'fuzz key', access: 'READ_ONLY' }),
    fields: ['name', 'access'],
    newRecords: true,
    noticeOnly: true,
  },
  {
    name: 'WebhookEndpoint createEndpoint',
    resource: 'WebhookEndpoint',
    action: 'createEndpoint',
    base: () => ({ url: 'http://localhost:9/hooks', 'events.0': 'order.paid', description: '' }),
    fields: ['url', 'events', 'description'],
    newRecords: true,
    noticeOnly: true,
  },
  {
    name: 'Order markRefundReturned',
    resource: 'Order',
    record: paidOrder,
    action: 'markRefundReturned',
    base: () => ({ refundId: 'ref_missing' }),
    fields: [],
  },
  { name: 'Order cancelOrder', resource: 'Order', record: pendingOrder, action: 'cancelOrder', base: () => ({}), fields: [] },
  {
    name: 'Tenant changeCurrency',
    resource: 'Tenant',
    record: async () => shop.tenantId,
    action: 'changeCurrency',
    base: () => ({ from: 'USD', to: 'USD', shown: '[]', amounts: '{}' }),
    fields: [],
  },
];

const LONG = 'x'.repeat(100_000);
/** What goes in place of a field's value: wrong types, money strings, huge and hostile text. */
const junkText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'abc',
    '-1',
    '1e999',
    '-1e999',
    'NaN',
    'Infinity',
    '0x10',
    '9007199254740993',
    '99999999999999999999',
    '12.345',
    '1,000.00',
    '€5',
    '$5',
    '-0',
    '0',
    '5.',
    '.5',
    'true',
    'null',
    'undefined',
    '[]',
    '{}',
    '{"a":1}',
    '2030-02-30',
    '9999-12-31T23:59:59Z',
    '+275760-09-13T00:00:00Z',
    '9999-12-31T23:59:59-14:00',
    '-000001-01-01T00:00:00Z',
    '2026-12-15T09:00[Mars/Olympus]',
    '2026-03-08T02:30[America/New_York]',
    '2026-12-15T09:00+05:00[America/New_York]',
    '0000-01-01',
    LONG,
    `${LONG}@test.local`,
    '😀'.repeat(300),
    'Z̷̢͓a̵l̸g̴o',
    '\u202eRTL',
    '\u200b',
    '\t\r\n',
    '\u0007bell\u001b[31m',
    "' OR '1'='1",
    '<script>alert(1)</script>',
    'PLATFORM_ADMIN',
    'TENANT_ADMIN',
    'FIXED_AMOUNT',
    'ASSIGNED',
    'PAID',
    'CANCELLED',
    'REFUNDED',
    'SHIPPED',
    'EUR',
    'JPY',
    'KWD',
    'USS',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 30, unit: 'binary' }),
  fc.string({ maxLength: 20, unit: fc.integer({ min: 1, max: 31 }).map((c) => String.fromCharCode(c)) }),
);

/** Fields no form offers, or offers in another shape: columns a crafted request might try to set. */
const EXTRA_KEYS = [
  'tenantId',
  'tenant',
  'id',
  'createdAt',
  'usedCount',
  'passwordHash',
  'unitPriceCents',
  'totalCents',
  'nextOrderNumber',
  'taxjarApiKey',
  'grantedRoleIds.0',
  'grantedRoleIds.x',
  'requiredRoleIds.0.0',
  'enabledPaymentMethods.0',
  'enabledPaymentMethods.99',
  'adminRoleIds.0',
  'paymentInstructions.VENMO_P2P.handle',
  'paymentInstructions.VENMO_P2P.instructions.0',
  'paymentInstructions.GOLD.handle',
  'paymentInstructions.__proto__.x',
  'paymentWindowMinutes.VENMO_P2P',
  'taxjarFromAddress.zip',
  'name.0',
  'price.0',
  'price.amount',
  'sku.0',
  'items.0.quantity',
  'lineItems',
  'confirmRefundCents',
  'refundId',
  'amount',
  '__proto__.polluted',
  'constructor.prototype.polluted',
  'nonexistentField',
];

type Change =
  | { kind: 'field'; field: string; value: string }
  | { kind: 'array'; field: string; values: string[] }
  | { kind: 'extra'; key: string; value: string }
  | { kind: 'otherShop'; field: string }
  | { kind: 'shown'; how: 'missing' | 'stale' | 'junk' | 'otherRecord' }
  | { kind: 'none' };

function changes(form: Form): fc.Arbitrary<Change> {
  const options: { arbitrary: fc.Arbitrary<Change>; weight: number }[] = [
    { arbitrary: fc.constant<Change>({ kind: 'none' }), weight: 1 },
    {
      arbitrary: fc.record({ key: fc.constantFrom(...EXTRA_KEYS), value: junkText }).map((c) => ({ kind: 'extra' as const, ...c })),
      weight: 3,
    },
  ];
  if (form.fields.length) {
    options.push({
      arbitrary: fc.record({ field: fc.constantFrom(...form.fields), value: junkText }).map((c) => ({ kind: 'field' as const, ...c })),
      weight: 8,
    });
    options.push({
      arbitrary: fc
        .record({ field: fc.constantFrom(...form.fields), values: fc.array(junkText, { minLength: 1, maxLength: 3 }) })
        .map((c) => ({ kind: 'array' as const, ...c })),
      weight: 2,
    });
  }
  if (form.relations?.length)
    options.push({ arbitrary: fc.constantFrom(...form.relations).map((field) => ({ kind: 'otherShop' as const, field })), weight: 3 });
  if (form.shown)
    options.push({
      arbitrary: fc.constantFrom('missing', 'stale', 'junk', 'otherRecord').map((how) => ({ kind: 'shown' as const, how }) as Change),
      weight: 2,
    });
  return fc.oneof(...options);
}

/** The other shop's record of the same kind as `field` names (its customer, discount, shop). */
function otherShopId(field: string): string {
  if (field === 'customer') return other.customerId;
  if (field === 'discount') return other.discountId;
  if (field === 'tenant') return other.tenantId;
  // The order's lines (JSON): one of the other shop's products, alone or beside one of the shop's.
  if (field === 'lineItems') return JSON.stringify([{ productId: other.productId, quantity: 1 }]);
  return other.productId;
}

/** Builds the multipart fields the panel's form would post, with `change` applied. */
async function payload(form: Form, recordId: string | undefined, change: Change): Promise<[string, string][]> {
  const fields: Record<string, string> = form.base();
  let shown: string | undefined;
  // The form as the shop's admin loaded it (staff and another shop's admin cannot open it: theirs is the same post).
  if (form.shown && recordId) shown = (await loadedRow(agents.admin, form.resource, recordId)).shownValuesJson;
  const extra: [string, string][] = [];
  switch (change.kind) {
    case 'field':
      fields[change.field] = change.value;
      break;
    case 'array':
      delete fields[change.field];
      change.values.forEach((v, i) => extra.push([`${change.field}.${i}`, v]));
      break;
    case 'extra':
      extra.push([change.key, change.value]);
      break;
    case 'otherShop':
      fields[change.field] = otherShopId(change.field);
      break;
    case 'shown':
      if (change.how === 'missing') shown = undefined;
      else if (change.how === 'junk') shown = '{"not": "json';
      else if (change.how === 'otherRecord')
        shown = (
          await loadedRow(agents.otherAdmin, form.resource, form.resource === 'Tenant' ? other.tenantId : otherRecordOf(form.resource))
        ).shownValuesJson;
      else if (shown)
        shown = JSON.stringify({ ...JSON.parse(shown), name: 'changed by someone else', updatedAt: '2001-01-01T00:00:00.000Z' });
      break;
    case 'none':
      break;
  }
  const out: [string, string][] = [...Object.entries(fields), ...extra];
  if (shown !== undefined) out.push(['shownValuesJson', shown]);
  return out;
}

function otherRecordOf(resource: string): string {
  switch (resource) {
    case 'Product':
      return other.productId;
    case 'ShippingType':
      return other.shippingTypeId;
    case 'Discount':
      return other.discountId;
    case 'Address':
      return other.addressId;
    case 'Customer':
      return other.customerId;
    case 'AdminUser':
      return other.staffId;
    case 'Order':
      return other.orderId;
    default:
      return other.productId;
  }
}

/**
 * Rows of `tenantId` that name one of `ids` (another shop's customer, discount, product, shop) anywhere in
 * their columns: a save that linked this shop's record to another shop's.
 */
async function rowsNaming(tenantId: string, ids: string[]): Promise<string[]> {
  const tables = await db.$queryRaw<{ table_name: string }[]>`
    SELECT table_name::text AS table_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = 'tenantId' ORDER BY table_name`;
  const found: string[] = [];
  for (const { table_name: t } of tables) {
    const rows = await db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${t}" x WHERE x."tenantId" = $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) id WHERE strpos(to_jsonb(x)::text, id) > 0)`,
      tenantId,
      ids,
    );
    if (rows[0]!.n) found.push(t);
  }
  return found;
}

/** True when `errors` has an entry for `field` (the field itself, one of its elements or inputs, or its group). */
function errorUnder(errors: Record<string, unknown> | undefined, field: string): boolean {
  if (!errors) return false;
  return Object.keys(errors).some((k) => k === field || k.startsWith(`${field}.`) || field.startsWith(`${k}.`));
}

beforeAll(async () => {
  app = await startAdminApp();
  shop = await makeShop('Shop');
  other = await makeShop('Other');
  agents.admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: shop.tenantId })).email);
  agents.staff = await loggedIn(app.baseUrl, 'shop-staff@test.local');
  agents.otherAdmin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: other.tenantId })).email);
  agents.platform = await loggedIn(app.baseUrl, (await f.adminUser({ role: 'PLATFORM_ADMIN' })).email);
  snapshot = await shopSnapshotter(db);
});
afterAll(async () => {
  await app?.close();
});

describe('admin panel fuzz', () => {
  it('every valid base form saves (so a refusal in the fuzz is about the one thing it changed)', async () => {
    for (const form of FORMS.filter((x) => x.fields.length)) {
      const recordId = await form.record?.();
      const res = await send(agents.admin, form, recordId, await payload(form, recordId, { kind: 'none' }));
      expect(res.body.notice?.type, `${form.name}: ${JSON.stringify(res.body.notice)} ${JSON.stringify(res.body.record?.errors)}`).toBe(
        'success',
      );
    }
  });

  it('hostile forms: no 5xx, no generic notice, refusals under their field, nothing written when refused, no other shop touched', async () => {
    const callers = fc.oneof(
      { arbitrary: fc.constant<Caller>('admin'), weight: 6 },
      { arbitrary: fc.constantFrom<Caller>('staff', 'otherAdmin', 'platform'), weight: 3 },
    );
    otherBaseline = await snapshot(other.tenantId);
    // What the runs came to (a fuzz whose every request is refused, or saved, would prove little).
    const outcomes = { saved: 0, refused: 0, fieldErrors: 0 };
    const input = fc
      .record({ form: fc.constantFrom(...FORMS), caller: callers })
      .filter(({ form, caller }) => !(caller === 'otherAdmin' && form.newRecords))
      .chain(({ form, caller }) => changes(form).map((change) => ({ form, caller, change })));
    await fc.assert(
      fc.asyncProperty(input, async ({ form, caller, change }) => {
        const recordId = await form.record?.();
        const body = await payload(form, recordId, change);
        const before = await snapshot(shop.tenantId);
        const platformAdmins = () => db.adminUser.count({ where: { OR: [{ role: 'PLATFORM_ADMIN' }, { tenantId: null }] } });
        const platformBefore = await platformAdmins();
        const res = await send(agents[caller], form, recordId, body);
        const label = `${form.name} as ${caller}, ${JSON.stringify(change).slice(0, 300)}: ${res.status} ${res.text.slice(0, 600)}`;
        expect(res.status, label).toBeLessThan(500);
        expect(res.text, label).not.toContain(GENERIC);
        const notice = res.body?.notice as { type?: string } | undefined;
        // A refusal, or an answer with no notice (a preview, a form shown again): nothing written.
        const refused = res.status >= 400 || notice?.type === 'error' || !notice;
        outcomes[refused ? 'refused' : 'saved']++;
        // Only a platform admin makes a platform admin (or an admin of no shop).
        // No row of the shop is linked to another shop's record (a relation field given its id).
        if (!refused && change.kind === 'otherShop')
          expect(await rowsNaming(shop.tenantId, [other.customerId, other.discountId, other.productId, other.tenantId]), label).toEqual([]);
        if (caller !== 'platform') expect(await platformAdmins(), `a platform admin made: ${label}`).toBe(platformBefore);
        if (refused) {
          if (res.body?.record?.errors && Object.keys(res.body.record.errors).length) outcomes.fieldErrors++;
          expect(await snapshot(shop.tenantId), `refused but written: ${label}`).toEqual(before);
          if (notice) expect(notice.type, label).toBe('error');
          // The one field changed of a valid form, by someone who may save it: refused under that field.
          if (caller === 'admin' && change.kind === 'field' && res.status < 400 && !form.noticeOnly && form.fields.includes(change.field))
            expect(errorUnder(res.body.record?.errors, change.field), `no field error under ${change.field}: ${label}`).toBe(true);
        }
        // The platform admin may act on every shop (admin users, shop settings): the other shop is theirs too.
        if (caller !== 'platform') expect(await snapshot(other.tenantId), `other shop changed: ${label}`).toEqual(otherBaseline);
        else otherBaseline = await snapshot(other.tenantId);
        // Unless the request sent it (another record's shownValuesJson comes back with the form).
        const sent = JSON.stringify(body);
        const secrets = caller === 'otherAdmin' ? shop.secrets : caller === 'platform' ? [] : other.secrets;
        for (const s of secrets.filter((x) => !sent.includes(x))) expect(res.text, `leaks "${s}": ${label}`).not.toContain(s);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (process.env.FUZZ_STATS) console.log(outcomes);
    expect(outcomes.saved).toBeGreaterThan(0);
    expect(outcomes.fieldErrors).toBeGreaterThan(0);
  });
});

function send(who: AdminAgent, form: Form, recordId: string | undefined, fields: [string, string][]) {
  const path = recordId
    ? `/admin/api/resources/${form.resource}/records/${recordId}/${form.action}`
    : `/admin/api/resources/${form.resource}/actions/${form.action}`;
  let req = who.agent.post(path).set(who.headers());
  for (const [k, v] of fields) req = req.field(k, v);
  return req;
}
