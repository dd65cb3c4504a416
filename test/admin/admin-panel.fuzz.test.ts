// Property-based fuzz of the admin panel's HTTP API as its own frontend calls it: multipart form posts to
// New (`/actions/new`), Edit (`/records/<id>/edit`, with the shownValuesJson the form loaded) and the resources'
// own record actions (record a receipt, extend the pay window, refund, mark a refund sent, cancel, erase...).
// Each run takes a valid form of one resource and changes one thing: a field given a hostile value (wrong types,
// money strings, 100 KB, unicode, control characters), a field the form does not have (tenantId, nested keys,
// array elements where a scalar is expected), another shop's id in a relation field, a stale, junk or missing
// shownValuesJson, another shop's record in the request's path. Also the buttons (sent as GET or POST): webhook
// endpoints' Resume sending and Delete, a delivery's Redeliver, an API key's Revoke, a role change's Retry and
// Reconcile now; the forms of webhook endpoint Edit and an admin account's role change; Settings -> Payments' save and
// disconnect (JSON, as its page posts them).
// Callers: the shop's admin, its staff, another shop's admin, the platform admin. Properties:
// - never a 5xx, never the generic "Something went wrong" notice (resources/admin-errors.ts);
// - a refusal is a notice of type error and, when the one changed field of an otherwise valid form is what was
//   refused, a field error under that field;
// - a refused request changes no row of the shop (test/http/api/fuzz/shop-snapshot.ts) and so writes no audit entry;
// - another shop's rows are never changed, and its data never appears in an answer;
// - a caller the action is not for (staff, another shop's admin, a platform admin on a shop's own action) is refused,
//   and so is anyone but a platform admin acting on another shop's record;
// - a save stores what was sent (webhook endpoints, API keys, admin roles): a field the save cannot read is refused,
//   never dropped from an answer that says "saved".
// Bounded for CI: a fixed seed (FUZZ_SEED=<n> picks another, FUZZ_RUNS=<n> runs more); fast-check prints the
// seed and the failing request.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { PERMISSIONS } from '../../src/dev/fakes/fake-discord-guilds.js';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { shopSnapshotter, type ShopSnapshot } from '../http/api/fuzz/shop-snapshot.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS) || 100;
const SEED = Number(process.env.FUZZ_SEED) || 20_261_205;
const GENERIC = 'Something went wrong';

const f = factories();
const db = testDb();
let app: RunningAdmin;
let shopTables: (tenantId: string) => Promise<ShopSnapshot>;
// Reconcile now reads the shop's server's members: from the fake Discord API, never discord.com.
const discord = new FakeDiscordApi();

/**
 * The shop's rows (shop-snapshot.ts) and its API keys, which the REST fuzz's snapshot leaves out (every request
 * with a key stamps its lastUsedAt): here a revoke or a create is the write being checked.
 */
async function snapshot(tenantId: string): Promise<ShopSnapshot> {
  const keys = await db.apiKey.findMany({
    where: { tenantId },
    orderBy: { id: 'asc' },
    select: { id: true, name: true, prefix: true, hash: true, access: true, revokedAt: true },
  });
  return { ...(await shopTables(tenantId)), api_keys: JSON.stringify(keys) };
}

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
  guildId: string;
  endpointId: string;
  deliveryId: string;
  apiKeyId: string;
  roleChangeId: string;
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
  const guildId = (await f.guild({ tenantId, name: `${label} secret server` })).id;
  discord.guilds.addGuild(guildId, {
    roles: [
      { id: VIP_ROLE, name: 'VIP', position: 1, permissions: '0' },
      { id: BOT_ROLE, name: 'Ledgerline', position: 5, permissions: PERMISSIONS.MANAGE_ROLES.toString() },
    ],
    botRoleIds: [BOT_ROLE],
  });
  const endpoint = await db.webhookEndpoint.create({
    data: {
      tenantId,
      url: `http://localhost:9/${label.toLowerCase()}-hooks`,
      events: ['order.paid'],
      secret: 'unused: no worker runs here',
    },
  });
  const delivery = await db.webhookDelivery.create({
    data: {
      tenantId,
      endpointId: endpoint.id,
      eventType: 'order.paid',
      eventKey: `fuzz-${label}`,
      body: '{}',
      status: 'FAILED',
      attempts: 3,
    },
  });
  const apiKey = await f.apiKey({ tenantId, name: `${label} key` });
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
    guildId,
    endpointId: endpoint.id,
    deliveryId: delivery.id,
    apiKeyId: apiKey.id,
    roleChangeId: await failedGrant(tenantId, guildId),
    secrets: [
      `${label} shop secret name`,
      `${label} secret customer`,
      `${label} secret product`,
      `${label} secret street 1`,
      `${label.toLowerCase()}-hooks`,
    ],
  };
}

const VIP_ROLE = snowflake();
const BOT_ROLE = snowflake();

/** A paid order's grant of VIP that failed, as the role job records it (Role changes -> Retry). */
async function failedGrant(tenantId: string, guildId: string): Promise<string> {
  const customer = await f.customer({ tenantId });
  const product = await f.product({ tenantId, grantedRoleIds: [VIP_ROLE] });
  const order = await f.order({ tenantId, customerId: customer.id, guildId, status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });
  const ent = await db.entitlement.create({
    data: { tenantId, customerId: customer.id, productId: product.id, roleId: VIP_ROLE, orderId: order.id },
  });
  const change = await db.roleChange.create({
    data: {
      tenantId,
      entitlementId: ent.id,
      customerId: customer.id,
      orderId: order.id,
      productId: product.id,
      roleId: VIP_ROLE,
      guildId,
      action: 'GRANT',
      state: 'FAILED',
      failureKind: 'ROLE_TOO_LOW',
      attempts: 1,
      failureMessage: 'The bot cannot give VIP.',
    },
  });
  return change.id;
}

/** The shop's endpoint as each webhook form's run starts: enabled, paused by its breaker after failed attempts. */
async function pausedEndpoint(): Promise<string> {
  await db.webhookEndpoint.update({
    where: { id: shop.endpointId },
    data: {
      url: 'http://localhost:9/shop-hooks',
      events: ['order.paid'],
      description: null,
      enabled: true,
      consecutiveFailures: 5,
      pausedUntil: new Date(Date.now() + 3_600_000),
    },
  });
  return shop.endpointId;
}

/** The shop's delivery as a Redeliver run starts: failed, its endpoint enabled. */
async function failedDelivery(): Promise<string> {
  await pausedEndpoint();
  await db.webhookDelivery.update({ where: { id: shop.deliveryId }, data: { status: 'FAILED' } });
  return shop.deliveryId;
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
  /** A button (no page of its own): AdminJS sends its click as a GET (button-action.ts); the fuzz sends GET or POST. */
  button?: boolean;
  /** Who may use it; any other caller must be refused, with nothing written. Unset: not checked. */
  allowed?: Caller[];
  /** The same kind of record of the other shop, for the path: acted on by nobody but a platform admin allowed to. */
  foreign?: () => string;
  /**
   * After a save: what the saved row holds against what the form sent (the pairs posted; the answer). Returns what
   * differs, or nothing.
   */
  stored?: (sent: [string, string][], recordId: string | undefined, res: { body: Record<string, unknown> }) => Promise<string[]>;
  /** Its page posts JSON (the fields unflattened), not a multipart form: Settings -> Payments. */
  json?: boolean;
  /** Whether the answer says it saved, where the page says so in its own words rather than a notice. */
  savedBy?: (body: Record<string, unknown>) => boolean;
  /** Fields the form loaded from the page (the connection as loaded), merged into the base. */
  loaded?: () => Promise<Record<string, string>>;
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
    allowed: ['admin', 'platform'],
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
    allowed: ['admin', 'platform'],
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
    allowed: ['admin', 'platform'],
    stored: storedAdminRole,
  },
  {
    // A role change: a shop admin made staff (the shop keeps the signed-in admin).
    name: 'AdminUser edit (role)',
    resource: 'AdminUser',
    record: async () => (await f.adminUser({ tenantId: shop.tenantId, role: 'TENANT_ADMIN' })).id,
    action: 'edit',
    base: () => ({ email: `fuzz-admin-${next()}@test.local`, role: 'TENANT_STAFF', tenant: shop.tenantId, password: '' }),
    fields: ['role'],
    shown: true,
    allowed: ['admin', 'platform'],
    stored: storedAdminRole,
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
      amount: '1.00',
      lines: '[]',
      reason: 'fuzz',
      idempotencyKey: `fz-${next()}`,
    }),
    fields: ['intent', 'mode', 'amount', 'lines', 'reason', 'idempotencyKey'],
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
    allowed: ['admin'],
    stored: async (sent, _id, res) => {
      const id = (res.body.created as { id?: string } | undefined)?.id;
      const row = id ? await db.apiKey.findFirst({ where: { id, tenantId: shop.tenantId } }) : null;
      if (!row) return [`no key of the shop for ${show(res.body.created)}`];
      const name = single(sent, 'name');
      const problems: string[] = [];
      if (row.name !== name?.trim()) problems.push(`name: sent ${show(sentValues(sent, 'name'))}, stored ${show(row.name)}`);
      if (row.access !== single(sent, 'access')) problems.push(`access: sent ${show(sentValues(sent, 'access'))}, stored ${row.access}`);
      return problems;
    },
  },
  {
    name: 'WebhookEndpoint createEndpoint',
    resource: 'WebhookEndpoint',
    action: 'createEndpoint',
    base: () => ({ url: 'http://localhost:9/hooks', 'events.0': 'order.paid', description: '' }),
    fields: ['url', 'events', 'description'],
    newRecords: true,
    noticeOnly: true,
    allowed: ['admin'],
    stored: async (sent, _id, res) => {
      const id = (res.body.created as { id?: string } | undefined)?.id;
      const row = id ? await db.webhookEndpoint.findFirst({ where: { id, tenantId: shop.tenantId } }) : null;
      return row ? endpointProblems(row, sent, true) : [`no endpoint of the shop for ${show(res.body.created)}`];
    },
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
    allowed: ['admin', 'platform'],
  },
  {
    name: 'WebhookEndpoint edit',
    resource: 'WebhookEndpoint',
    record: pausedEndpoint,
    action: 'edit',
    base: () => ({
      url: `http://localhost:9/edited-${next()}`,
      'events.0': 'order.paid',
      'events.1': 'order.cancelled',
      description: ' fuzz edit ',
      enabled: 'true',
    }),
    fields: ['url', 'events', 'description', 'enabled'],
    shown: true,
    allowed: ['admin'],
    foreign: () => other.endpointId,
    stored: async (sent, id) => endpointProblems(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: id! } }), sent),
  },
  {
    name: 'WebhookEndpoint resumeSending',
    resource: 'WebhookEndpoint',
    record: pausedEndpoint,
    action: 'resumeSending',
    base: () => ({}),
    fields: [],
    button: true,
    allowed: ['admin'],
    foreign: () => other.endpointId,
    stored: async (_sent, id) => {
      const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: id! } });
      return row.consecutiveFailures === 0 && row.pausedUntil === null ? [] : [`breaker not closed: ${row.consecutiveFailures}`];
    },
  },
  {
    name: 'WebhookEndpoint delete',
    resource: 'WebhookEndpoint',
    record: async () =>
      (
        await db.webhookEndpoint.create({
          data: { tenantId: shop.tenantId, url: 'http://localhost:9/gone', events: ['order.paid'], secret: '-' },
        })
      ).id,
    action: 'delete',
    base: () => ({}),
    fields: [],
    allowed: ['admin'],
    foreign: () => other.endpointId,
    stored: async (_sent, id) => ((await db.webhookEndpoint.count({ where: { id: id! } })) === 0 ? [] : ['not deleted']),
  },
  {
    name: 'WebhookDelivery redeliver',
    resource: 'WebhookDelivery',
    record: failedDelivery,
    action: 'redeliver',
    base: () => ({}),
    fields: [],
    button: true,
    allowed: ['admin'],
    foreign: () => other.deliveryId,
    stored: async (_sent, id) => {
      const row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: id! } });
      return row.status === 'PENDING' ? [] : [`status ${row.status}`];
    },
  },
  {
    name: 'ApiKey revoke',
    resource: 'ApiKey',
    record: async () => (await f.apiKey({ tenantId: shop.tenantId, name: `fuzz key ${next()}` })).id,
    action: 'revoke',
    base: () => ({}),
    fields: [],
    button: true,
    allowed: ['admin'],
    foreign: () => other.apiKeyId,
    stored: async (_sent, id) => ((await db.apiKey.findUniqueOrThrow({ where: { id: id! } })).revokedAt ? [] : ['not revoked']),
  },
  {
    name: 'RoleChange retry',
    resource: 'RoleChange',
    record: async () => failedGrant(shop.tenantId, shop.guildId),
    action: 'retry',
    base: () => ({}),
    fields: [],
    button: true,
    // Staff work orders, and a role owed for an order is part of that work (role-changes.resource.ts).
    allowed: ['admin', 'staff'],
    foreign: () => other.roleChangeId,
    stored: async (_sent, id) => {
      const row = await db.roleChange.findUniqueOrThrow({ where: { id: id! } });
      return row.state === 'PENDING' ? [] : [`state ${row.state}`];
    },
  },
  {
    name: 'RoleChange reconcileNow',
    resource: 'RoleChange',
    action: 'reconcileNow',
    base: () => ({}),
    fields: [],
    button: true,
    allowed: ['admin'],
    newRecords: true,
  },
  {
    // Settings -> Payments: a PayPal connection saved (no call to PayPal: "Test connection" is what calls it).
    name: 'PaymentConnection save',
    resource: 'PaymentConnection',
    action: 'list',
    base: () => ({
      op: 'save',
      provider: 'PAYPAL',
      environment: 'sandbox',
      'config.clientId': `client-${next()}`,
      'config.webhookId': 'WH-FUZZ',
      'secrets.clientSecret': `secret-${next()}-long-enough`,
    }),
    loaded: async () => ({ shown: await loadedConnection() }),
    fields: ['op', 'provider', 'environment', 'config.clientId', 'config.webhookId', 'secrets.clientSecret', 'shown'],
    json: true,
    noticeOnly: true,
    newRecords: true,
    allowed: ['admin'],
    savedBy: paymentsSaved,
  },
  {
    name: 'PaymentConnection disconnect',
    resource: 'PaymentConnection',
    action: 'list',
    base: () => ({ op: 'disconnect', provider: 'PAYPAL' }),
    fields: ['op', 'provider'],
    json: true,
    noticeOnly: true,
    newRecords: true,
    allowed: ['admin'],
    savedBy: paymentsSaved,
  },
];

/** The Payments page's answer to a save or a disconnect: its result line, ok or not. */
function paymentsSaved(body: Record<string, unknown>): boolean {
  return (body.payments as { result?: { ok?: boolean } } | undefined)?.result?.ok === true;
}

/** The shop's PayPal connection as the Payments page loads it into its form ('' when there is none). */
async function loadedConnection(): Promise<string> {
  const res = await agents.admin.agent.get('/admin/api/resources/PaymentConnection/actions/list').set(agents.admin.headers());
  const conn = (res.body.payments as { connections: { provider: string; loaded: unknown }[] }).connections.find(
    (c) => c.provider === 'PAYPAL',
  );
  return conn ? JSON.stringify(conn.loaded) : '';
}

/** The values posted as `field` itself and as its elements (`field.0`, `field.1`...). */
function sentValues(sent: [string, string][], field: string): { own: string[]; elements: string[] } {
  return {
    own: sent.filter(([k]) => k === field).map(([, v]) => v),
    elements: sent.filter(([k]) => k.startsWith(`${field}.`)).map(([, v]) => v),
  };
}

/** One plain value posted for `field` (as its input sends it), or undefined when it came as a list or several. */
function single(sent: [string, string][], field: string): string | undefined {
  const { own, elements } = sentValues(sent, field);
  return own.length === 1 && elements.length === 0 ? own[0] : undefined;
}

const show = (v: unknown) => JSON.stringify(v)?.slice(0, 80);

/** A saved webhook endpoint against the form that saved it: each field as typed (trimmed), or the save is wrong. */
function endpointProblems(
  row: { url: string; events: string[]; description: string | null; enabled: boolean },
  sent: [string, string][],
  creating = false,
): string[] {
  const problems: string[] = [];
  const url = single(sent, 'url');
  let expectedUrl: string | undefined;
  try {
    expectedUrl = url === undefined ? undefined : new URL(url.trim()).toString();
  } catch {
    expectedUrl = undefined;
  }
  if (row.url !== expectedUrl) problems.push(`url: sent ${show(sentValues(sent, 'url'))}, stored ${show(row.url)}`);
  const events = sentValues(sent, 'events');
  const expectedEvents = events.own.length && events.elements.length ? undefined : [...new Set([...events.own, ...events.elements])].sort();
  if (show(row.events) !== show(expectedEvents)) problems.push(`events: sent ${show(events)}, stored ${show(row.events)}`);
  const description = single(sent, 'description');
  const expectedDescription =
    description === undefined ? (sentValues(sent, 'description').elements.length ? 'a list' : null) : description.trim() || null;
  if (row.description !== expectedDescription)
    problems.push(`description: sent ${show(sentValues(sent, 'description'))}, stored ${show(row.description)}`);
  const enabled = creating ? 'true' : single(sent, 'enabled');
  if (String(row.enabled) !== enabled) problems.push(`enabled: sent ${show(sentValues(sent, 'enabled'))}, stored ${row.enabled}`);
  return problems;
}

/** An admin account saved with the role the form sent. */
async function storedAdminRole(sent: [string, string][], id: string | undefined): Promise<string[]> {
  const row = await db.adminUser.findUniqueOrThrow({ where: { id: id! } });
  const role = single(sent, 'role');
  return row.role === role ? [] : [`role: sent ${show(sentValues(sent, 'role'))}, stored ${row.role}`];
}

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
  | { kind: 'foreignRecord' }
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
  if (form.record)
    // The other shop's record of the same kind in the request's path (a hand-made request, or a stale link).
    options.push({ arbitrary: fc.constant<Change>({ kind: 'foreignRecord' }), weight: 2 });
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
  const fields: Record<string, string> = { ...form.base(), ...(await form.loaded?.()) };
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
      // The list replaces the form's own (events.0, events.1...), as a form with other ticks would send it.
      for (const k of Object.keys(fields)) if (k.startsWith(`${change.field}.`)) delete fields[k];
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
        shown = (await loadedRow(agents.otherAdmin, form.resource, otherRecordOf(form.resource))).shownValuesJson;
      else if (shown)
        shown = JSON.stringify({ ...JSON.parse(shown), name: 'changed by someone else', updatedAt: '2001-01-01T00:00:00.000Z' });
      break;
    case 'foreignRecord':
    case 'none':
      break;
  }
  const out: [string, string][] = [...Object.entries(fields), ...extra];
  if (shown !== undefined) out.push(['shownValuesJson', shown]);
  return out;
}

function otherRecordOf(resource: string): string {
  switch (resource) {
    case 'Tenant':
      return other.tenantId;
    case 'WebhookEndpoint':
      return other.endpointId;
    case 'WebhookDelivery':
      return other.deliveryId;
    case 'ApiKey':
      return other.apiKeyId;
    case 'RoleChange':
      return other.roleChangeId;
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
  await discord.start();
  app = await startAdminApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
  shop = await makeShop('Shop');
  other = await makeShop('Other');
  agents.admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: shop.tenantId })).email);
  agents.staff = await loggedIn(app.baseUrl, 'shop-staff@test.local');
  agents.otherAdmin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: other.tenantId })).email);
  agents.platform = await loggedIn(app.baseUrl, (await f.adminUser({ role: 'PLATFORM_ADMIN' })).email);
  shopTables = await shopSnapshotter(db);
});
afterAll(async () => {
  await app?.close();
  await discord.stop();
});

describe('admin panel fuzz', () => {
  it('every valid base form saves (so a refusal in the fuzz is about the one thing it changed)', async () => {
    for (const form of FORMS.filter((x) => x.fields.length || x.button || x.stored)) {
      const recordId = await form.record?.();
      const body = await payload(form, recordId, { kind: 'none' });
      const res = await send(agents.admin, form, recordId, body, form.button);
      const said = form.savedBy ? (form.savedBy(res.body) ? 'success' : JSON.stringify(res.body.payments?.result)) : res.body.notice?.type;
      expect(said, `${form.name}: ${JSON.stringify(res.body.notice)} ${JSON.stringify(res.body.record?.errors)}`).toBe('success');
      if (form.stored) expect(await form.stored(body, recordId, res), form.name).toEqual([]);
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
    // Each form's runs, r (refused) or s (saved), for FUZZ_STATS.
    const perForm: Record<string, string> = {};
    const input = fc
      .record({ form: fc.constantFrom(...FORMS), caller: callers })
      .filter(({ form, caller }) => !(caller === 'otherAdmin' && form.newRecords))
      .chain(({ form, caller }) =>
        fc
          .record({ change: changes(form), get: form.button ? fc.boolean() : fc.constant(false) })
          // Another shop's record is the other admin's own.
          .filter(({ change }) => !(caller === 'otherAdmin' && change.kind === 'foreignRecord'))
          .map(({ change, get }) => ({ form, caller, change, get })),
      );
    await fc.assert(
      fc.asyncProperty(input, async ({ form, caller, change, get }) => {
        const recordId = await form.record?.();
        const body = await payload(form, recordId, change);
        const target = change.kind === 'foreignRecord' ? (form.foreign?.() ?? otherRecordOf(form.resource)) : recordId;
        const before = await snapshot(shop.tenantId);
        const platformAdmins = () => db.adminUser.count({ where: { OR: [{ role: 'PLATFORM_ADMIN' }, { tenantId: null }] } });
        const platformBefore = await platformAdmins();
        const res = await send(agents[caller], form, target, body, get);
        const label = `${form.name} as ${caller}${get ? ' (GET)' : ''}, ${JSON.stringify(change).slice(0, 300)}: ${res.status} ${res.text.slice(0, 600)}`;
        expect(res.status, label).toBeLessThan(500);
        expect(res.text, label).not.toContain(GENERIC);
        const notice = res.body?.notice as { type?: string } | undefined;
        // A refusal, or an answer with no notice (a preview, a form shown again): nothing written.
        const refused = res.status >= 400 || (form.savedBy ? !form.savedBy(res.body) : notice?.type === 'error' || !notice);
        outcomes[refused ? 'refused' : 'saved']++;
        perForm[form.name] = `${(perForm[form.name] ?? '') + (refused ? 'r' : 's')}`;
        // A caller the action is not for is refused (staff, another shop's admin, a platform admin on a shop's action).
        if (form.allowed && !form.allowed.includes(caller)) expect(refused, `not refused for ${caller}: ${label}`).toBe(true);
        // Another shop's record is acted on by nobody but a platform admin.
        if (change.kind === 'foreignRecord' && caller !== 'platform')
          expect(refused, `another shop's record acted on: ${label}`).toBe(true);
        // A save stores what was sent (a field the save could not read is refused, not dropped). A form sent with
        // another record's or a stale shownValuesJson keeps what the record holds where the form said so.
        if (!refused && form.stored && change.kind !== 'shown' && change.kind !== 'foreignRecord')
          expect(await form.stored(body, recordId, res), `saved, but not as sent: ${label}`).toEqual([]);
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
    if (process.env.FUZZ_STATS) console.log(outcomes, perForm);
    expect(outcomes.saved).toBeGreaterThan(0);
    expect(outcomes.fieldErrors).toBeGreaterThan(0);
  });
});

/**
 * The pairs as the JSON object a page posts (`config.clientId` -> { config: { clientId } }), every key an own
 * property (so `__proto__` is sent as a key, as a crafted request would, and never touches this process's objects).
 * A key whose parent is already a value keeps the value: the later key is dropped.
 */
function nested(pairs: [string, string][]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    const parts = key.split('.');
    let at: Record<string, unknown> | undefined = root;
    for (const part of parts.slice(0, -1)) {
      if (!Object.hasOwn(at, part)) Object.defineProperty(at, part, { value: {}, enumerable: true, writable: true, configurable: true });
      const child: unknown = at[part];
      at = child && typeof child === 'object' ? (child as Record<string, unknown>) : undefined;
      if (!at) break;
    }
    if (at) Object.defineProperty(at, parts.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/** The request the panel's frontend makes: a form's multipart POST, or a button's GET (its fields as the query). */
function send(who: AdminAgent, form: Form, recordId: string | undefined, fields: [string, string][], get = false) {
  const path = recordId
    ? `/admin/api/resources/${form.resource}/records/${recordId}/${form.action}`
    : `/admin/api/resources/${form.resource}/actions/${form.action}`;
  if (get) return who.agent.get(path).set(who.headers()).query(new URLSearchParams(fields).toString());
  if (form.json) return who.agent.post(path).set(who.headers()).send(nested(fields));
  let req = who.agent.post(path).set(who.headers());
  for (const [k, v] of fields) req = req.field(k, v);
  return req;
}
