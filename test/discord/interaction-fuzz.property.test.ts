// Property: whatever a correctly SIGNED but hostile interaction carries (every slash command with options of
// the wrong type, out-of-range numbers, huge, unicode, control-character and NUL-byte strings, missing options
// and unknown subcommands; every custom id of spec 001 with mangled parts, another shop's ids, truncated or
// extra segments, 100-character ids; select menus with unknown or too many values; modals with missing or
// oversized fields; autocomplete with junk), sent by anyone (the customer, another member, an admin, a
// member without the admin role, someone in a guild with no shop, a DM), the endpoint
//   - answers 200 with a response type Discord accepts for the interaction's type, never a 500;
//   - refuses with an ephemeral message that says what was wrong, never the generic crash text;
//   - writes nothing for a refusal (orders, payments, receipts, refunds, stock, reservations, sessions, audit);
//   - respects Discord's message limits (a reply Discord refuses is "This interaction failed" too);
//   - shows nothing of the other shop, nor the customer's address to anyone else, that the interaction did not
//     itself carry.
// Bounded for CI: a fixed seed and 200 sequences of 1-3 interactions (a few seconds). To explore further:
// FUZZ_SEED=<n> FUZZ_RUNS=<n> npx vitest run test/discord/interaction-fuzz.property.test.ts
// The body-level cases (unsigned, malformed envelopes) are malformed-body.test.ts's and endpoint-security's.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { COLORS } from '../../src/surfaces/discord/replies.js';
import { COMMAND_DEFINITIONS } from '../../src/surfaces/discord/commands/definitions.js';
import { commandInteraction, member, send, useHarness, type Base, type Harness, type Member } from './harness.js';
import { messageEmbedChars, type Embed } from './embed-limits.js';

const f = factories();
const db = testDb();
const h = useHarness();
// A second app on the same database that defers every answer (DISCORD_DEFER_AFTER_MS=0): the real answer goes
// out later through the interaction webhook, to its FakeDiscordApi.
const deferring = useHarness({ env: { DISCORD_DEFER_AFTER_MS: '0' } });

/** What a shop's fixture holds: the ids a hostile interaction aims at, and the words only that shop shows. */
interface Shop {
  guildId: string;
  customer: Member;
  admin: Member;
  productIds: string[];
  orderIds: string[];
  orderNumbers: string[];
  paymentIds: string[];
  addressIds: string[];
  shippingTypeIds: string[];
  /** What only the shop's customer may see (their address): no other member, nor an admin in a reply. */
  customerOnly: string[];
  /** Text only this shop's data holds (names, SKUs, ids): none of it may reach another shop's reply unasked. */
  secrets: string[];
}

async function shopFixture(label: string): Promise<Shop> {
  const s = await f.shop({ tenant: { name: `Fuzz ${label} shop ${snowflake()}` } });
  const customer = member({ id: s.customer.discordUserId });
  const admin = member({ roles: [s.tenant.adminRoleIds[0]!] });
  const [p1, p2] = s.products;
  const stocked = await f.product({ tenantId: s.tenant.id, name: `Fuzz ${label} stocked ${snowflake()}`, trackStock: true, stock: 5 });
  const lines = [
    { productId: p1!.id, name: p1!.name, sku: p1!.sku, quantity: 2, unitPriceCents: 2500 },
    { productId: p2!.id, name: p2!.name, sku: p2!.sku, quantity: 1, unitPriceCents: 500 },
  ];
  const unpaid = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id, lines });
  const paid = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    status: 'PAID',
    paymentStatus: 'paid',
    // As a confirm leaves it: the whole total received.
    amountReceivedCents: 5500,
    paidAt: new Date(),
    lines,
  });
  const address = await f.address({ tenantId: s.tenant.id, customerId: s.customer.id, line1: `${label} Secret Lane ${snowflake()}` });
  return {
    guildId: s.guild.id,
    customer,
    admin,
    productIds: [p1!.id, p2!.id, stocked.id],
    orderIds: [unpaid.id, paid.id],
    orderNumbers: [String(unpaid.number), String(paid.number)],
    paymentIds: [unpaid.payment.id, paid.payment.id],
    addressIds: [address.id],
    shippingTypeIds: [s.shippingType.id],
    customerOnly: [address.line1],
    secrets: [
      s.tenant.name,
      s.customer.username ?? s.tenant.name,
      p1!.name,
      p2!.name,
      p1!.sku,
      p2!.sku,
      stocked.name,
      address.line1,
      s.shippingType.name,
      ...[p1!.id, p2!.id, stocked.id, unpaid.id, paid.id, unpaid.payment.id, paid.payment.id, address.id, s.shippingType.id],
    ],
  };
}

let A: Shop;
let B: Shop;

beforeAll(async () => {
  A = await shopFixture('A');
  B = await shopFixture('B');
});

// ---- hostile values ---------------------------------------------------------------------------------------

const nastyConstants = [
  '',
  ' ',
  '\u0000',
  'prod_\u0000',
  'a\u0000b',
  '\u202e\u0007\u001b[31m',
  '\ud800',
  '🧨'.repeat(200),
  'x'.repeat(5000),
  "'; DROP TABLE orders;--",
  '%s%n{{7*7}}${1}',
  '-1',
  '0',
  '1e309',
  'NaN',
  '#',
  '#0',
  '#99999999999999999999',
  '99999999999',
  '2147483648',
  'prod_',
  'ord_zzz',
  'pay_zzz',
  'adr_zzz',
  'shp_zzz',
  'prod-1:2,prod-2',
  'prod_zzz:999999999999',
  ':::,,,',
];
const hostileString = fc.oneof(
  { arbitrary: fc.constantFrom(...nastyConstants), weight: 3 },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
  // A plausible text with a NUL (a paste from a binary), which PostgreSQL cannot store.
  {
    arbitrary: fc
      .tuple(fc.constantFrom('Customer request', '1 Elm St', 'prod_', '62701 US', '20.00'), fc.nat(3))
      .map(([t, i]) => `${t.slice(0, i)}\u0000${t.slice(i)}`),
    weight: 2,
  },
);
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53 + 2, 1e308, 0.5, -0.0001, 999, 1000, 10000),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
/** A string id of a shop (ours, the other shop's, or a junk one of the same shape). */
const shopRef = (pick: (s: Shop) => string[]) =>
  fc.tuple(fc.boolean(), fc.nat()).map(([other, i]) => {
    // Read when generated (inside the property, after beforeAll made the shops).
    const ids = pick(other ? B : A);
    return ids[i % ids.length]!;
  });
const anyId = fc.oneof(
  shopRef((s) => s.productIds),
  shopRef((s) => s.orderIds),
  shopRef((s) => s.orderNumbers),
  shopRef((s) => s.paymentIds),
  shopRef((s) => s.addressIds),
  shopRef((s) => s.shippingTypeIds),
);
const anyValue: fc.Arbitrary<string | number | boolean> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: anyId, weight: 3 },
  { arbitrary: hostileNumber, weight: 2 },
  { arbitrary: fc.boolean(), weight: 1 },
);

// ---- who sends it ----------------------------------------------------------------------------------------

type Actor = 'customer' | 'member' | 'admin' | 'adminByPermission' | 'otherShopAdmin' | 'junkPermissions' | 'noShopGuild' | 'dm';
const actor = fc.oneof(
  { arbitrary: fc.constantFrom<Actor>('customer', 'admin'), weight: 6 },
  { arbitrary: fc.constantFrom<Actor>('member', 'adminByPermission', 'otherShopAdmin', 'junkPermissions'), weight: 3 },
  { arbitrary: fc.constantFrom<Actor>('noShopGuild', 'dm'), weight: 1 },
);
function baseFor(a: Actor): Base {
  switch (a) {
    case 'customer':
      return { guildId: A.guildId, user: A.customer };
    case 'member':
      return { guildId: A.guildId, user: member() };
    case 'admin':
      return { guildId: A.guildId, user: A.admin };
    case 'adminByPermission':
      return { guildId: A.guildId, user: member({ permissions: (1n << 5n).toString() }) };
    case 'otherShopAdmin':
      return { guildId: A.guildId, user: B.admin };
    case 'junkPermissions':
      return { guildId: A.guildId, user: member({ permissions: 'lots' }) };
    case 'noShopGuild':
      return { guildId: snowflake(), user: A.customer };
    case 'dm':
      return { guildId: null, user: A.customer };
  }
}

// ---- what is sent ----------------------------------------------------------------------------------------

const COMMANDS = COMMAND_DEFINITIONS.map((d) => ({
  name: d.name,
  options: (d.options ?? []).map((o) => ({ name: o.name, required: 'required' in o && o.required === true })),
}));

type Raw = Record<string, unknown>;
const NUMERIC_OPTIONS = new Set(['amount', 'quantity', 'unitpricecents']);
/** A value for a known option: mostly of the kind it takes (an id of either shop, a number), else anything. */
const valueFor = (name: string): fc.Arbitrary<string | number | boolean> =>
  fc.oneof(
    {
      arbitrary: NUMERIC_OPTIONS.has(name)
        ? hostileNumber
        : name === 'order' || name === 'orderid'
          ? fc.oneof(
              shopRef((x) => x.orderIds),
              shopRef((x) => x.orderNumbers).map((n) => `#${n}`),
              shopRef((x) => x.orderNumbers),
              shopRef((x) => x.paymentIds),
              hostileString,
            )
          : name === 'productid'
            ? fc.oneof(
                shopRef((x) => x.productIds),
                hostileString,
              )
            : name === 'shipping'
              ? fc.oneof(
                  shopRef((x) => x.shippingTypeIds),
                  hostileString,
                )
              : name === 'items'
                ? fc
                    .array(
                      fc.tuple(
                        fc.oneof(
                          shopRef((x) => x.productIds),
                          hostileString,
                        ),
                        fc.oneof(hostileNumber, hostileString),
                      ),
                      {
                        minLength: 1,
                        maxLength: 4,
                      },
                    )
                    .map((pairs) => pairs.map(([id, q]) => `${id}:${q}`).join(','))
                : name === 'paymentmethod'
                  ? fc.constantFrom('VENMO_P2P', 'ZELLE', 'PAYPAL', 'CHIME', 'venmo', '')
                  : hostileString,
      weight: 3,
    },
    { arbitrary: anyValue, weight: 1 },
  );
/** The options sent: each known one present (a required one usually), plus maybe junk names. */
const optionsFor = (known: { name: string; required: boolean }[]) =>
  fc
    .tuple(
      fc.tuple(
        ...known.map((o) =>
          fc.option(
            valueFor(o.name).map((value) => ({ name: o.name, value })),
            { freq: o.required ? 8 : 2, nil: undefined },
          ),
        ),
      ),
      fc.array(fc.record({ name: hostileString, value: anyValue }), { maxLength: 2 }),
    )
    .map(([ks, junk]) => [...ks.filter((x) => x !== undefined), ...junk]);

/** A slash command: a known one or not, with any options, values of any type, or a subcommand. */
const commandArb = fc
  .record({
    actor,
    command: fc.oneof(
      { arbitrary: fc.constantFrom(...COMMANDS), weight: 10 },
      { arbitrary: hostileString.map((name) => ({ name, options: [] as (typeof COMMANDS)[number]['options'] })), weight: 1 },
    ),
    shape: fc.constantFrom('options', 'options', 'options', 'options', 'options', 'subcommand', 'wrongTypeTag'),
    seed: fc.integer(),
  })
  .chain(({ actor: a, command, shape, seed }) =>
    optionsFor(command.options).map((opts) => {
      const i = commandInteraction(baseFor(a), command.name) as Raw & { data: Raw };
      const options = opts.map(({ name, value }) => ({
        name,
        value,
        // The type Discord would tag the value with; 'wrongTypeTag' says String for whatever the value is.
        type:
          shape === 'wrongTypeTag'
            ? 3
            : typeof value === 'number'
              ? Number.isInteger(value)
                ? 4
                : 10
              : typeof value === 'boolean'
                ? 5
                : 3,
      }));
      i.data.options = shape === 'subcommand' ? [{ name: `sub${seed % 3}`, type: 1, options }] : options;
      return { kind: 'command' as const, actor: a, body: i };
    }),
  );

const SPEC_IDS: [string, ('product' | 'page' | 'order' | 'payment' | 'address' | 'fingerprint')[], 'button' | 'select' | 'modal'][] = [
  ['order:product-select', [], 'select'],
  ['order:products', ['page'], 'button'],
  ['order:qty-modal', ['product'], 'modal'],
  ['order:use-existing', [], 'select'],
  ['order:address:new', [], 'button'],
  ['order:address:modal', [], 'modal'],
  ['order:address:accept-corrected', [], 'button'],
  ['order:address:keep-original', [], 'button'],
  ['order:address:retry', [], 'button'],
  ['order:shipping-type-select', [], 'select'],
  ['order:payment-method-select', [], 'select'],
  ['order:confirm', ['fingerprint'], 'button'],
  ['order:cancel', [], 'button'],
  ['catalog:order', ['product'], 'button'],
  ['catalog:page', ['page'], 'button'],
  ['orders:detail', ['order', 'page'], 'button'],
  ['orders:page', ['page'], 'button'],
  ['orders:cancel', ['order', 'page'], 'button'],
  ['orders:cancel-confirm', ['order', 'page'], 'button'],
  ['payment:approve', ['payment'], 'button'],
  ['payment:reject', ['payment'], 'button'],
  ['payment:reject-modal', ['payment'], 'modal'],
  ['payment:receipt', ['payment'], 'button'],
  ['payment:receipt-modal', ['payment'], 'modal'],
  ['legacy:browse', ['page'], 'button'],
  ['legacy:add', ['product'], 'button'],
  ['legacy:address-select', [], 'select'],
  ['legacy:address-confirm', ['address'], 'button'],
  ['legacy:address-edit', ['address'], 'button'],
  ['legacy:address-new', [], 'button'],
  ['legacy:address-modal', [], 'modal'],
  ['legacy:address-retry', [], 'button'],
];

const param = (kind: (typeof SPEC_IDS)[number][1][number]) => {
  const junk = fc.oneof(fc.constantFrom('', '-1', '99999', '0x1', 'x'.repeat(60)), fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/));
  const right = {
    product: shopRef((s) => s.productIds),
    order: shopRef((s) => s.orderIds),
    payment: shopRef((s) => s.paymentIds),
    address: shopRef((s) => s.addressIds),
    page: fc.oneof(fc.integer({ min: 0, max: 9999 }).map(String), fc.constantFrom('0', '1', '0000')),
    fingerprint: fc.stringMatching(/^[A-Za-z0-9_-]{16}$/),
  }[kind];
  return fc.oneof({ arbitrary: right, weight: 10 }, { arbitrary: junk, weight: 1 }, { arbitrary: anyId, weight: 1 });
};

/** A spec custom id with its parameters, then maybe mangled: truncated, extra segments, padded to 100 or 101 characters. */
const customIdArb = fc
  .constantFrom(...SPEC_IDS)
  .chain(([key, params, kind]) =>
    fc.record({
      kind: fc.oneof(
        { arbitrary: fc.constant(kind), weight: 4 },
        { arbitrary: fc.constantFrom<typeof kind>('button', 'select', 'modal'), weight: 1 },
      ),
      id: fc.tuple(...params.map(param)).map((ps) => [key, ...ps].join(':')),
      mangle: fc.constantFrom(
        'none',
        'none',
        'none',
        'none',
        'none',
        'none',
        'none',
        'truncate',
        'extra',
        'pad100',
        'pad101',
        'dropParam',
        'hostile',
      ),
      cut: fc.nat(),
      extra: hostileString,
    }),
  )
  .map(({ kind, id, mangle, cut, extra }) => {
    const mangled =
      mangle === 'truncate'
        ? id.slice(0, Math.max(1, cut % id.length))
        : mangle === 'extra'
          ? `${id}:${extra}`
          : mangle === 'pad100'
            ? `${id}:${'9'.repeat(Math.max(0, 99 - id.length))}`.slice(0, 100)
            : mangle === 'pad101'
              ? `${id}${'A'.repeat(Math.max(0, 101 - id.length))}`
              : mangle === 'dropParam'
                ? id.split(':').slice(0, -1).join(':')
                : mangle === 'hostile'
                  ? `${id.split(':').slice(0, 2).join(':')}:${extra}`
                  : id;
    return { kind, customId: mangled };
  });

/** The message a component sits on: none, a flow message (order:… components), or one with junk embeds. */
const messageArb = fc.constantFrom('flow', 'plain', 'junkEmbeds', 'none').map((m) =>
  m === 'none'
    ? undefined
    : {
        id: snowflake(),
        channel_id: snowflake(),
        flags: 64,
        components: m === 'flow' ? [{ type: 1, components: [{ type: 2, custom_id: 'order:cancel', style: 2, label: 'Cancel' }] }] : [],
        embeds:
          m === 'junkEmbeds'
            ? [
                // What Discord echoes is what the bot sent: strings within the limits, but any text in them.
                {
                  title: '\u0000'.repeat(3),
                  description: 'x'.repeat(4000),
                  fields: Array.from({ length: 25 }, (_, i) => ({ name: i ? `f${i}` : 'line1', value: i ? 'y'.repeat(40) : '\u0000' })),
                },
              ]
            : [],
      },
);

const selectValues = fc.oneof(
  fc.array(anyId, { minLength: 1, maxLength: 1 }),
  fc.array(fc.oneof(anyId, hostileString, fc.constantFrom('VENMO_P2P', 'PAYPAL', 'venmo_p2p', 'BTC')), { minLength: 0, maxLength: 30 }),
);

const MODAL_FIELDS = ['quantity', 'line1', 'line2', 'city', 'state', 'postal_country', 'amount', 'note', 'reason'];
const modalFieldValue = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  {
    arbitrary: fc.constantFrom('1', '2', '62701 US', '1 Elm St', 'Springfield', '20.00', '0.01', '-5', '1e9', '4000', 'x'.repeat(4001)),
    weight: 3,
  },
  { arbitrary: anyId, weight: 1 },
);

const componentArb = fc
  .record({
    actor,
    id: customIdArb,
    values: selectValues,
    message: messageArb,
    fields: fc.dictionary(fc.constantFrom(...MODAL_FIELDS), modalFieldValue),
  })
  .map(({ actor: a, id, values, message, fields }) => {
    const base = baseFor(a);
    const envelope = commandInteraction(base, 'x') as Raw;
    if (id.kind === 'modal') {
      return {
        kind: 'modal' as const,
        actor: a,
        body: {
          ...envelope,
          type: 5,
          data: {
            custom_id: id.customId,
            components: Object.entries(fields).map(([cid, value]) => ({ type: 1, components: [{ type: 4, custom_id: cid, value }] })),
          },
          ...(message ? { message } : {}),
        },
      };
    }
    const isSelect = id.kind === 'select';
    return {
      kind: 'component' as const,
      actor: a,
      body: {
        ...envelope,
        type: 3,
        data: { custom_id: id.customId, component_type: isSelect ? 3 : 2, ...(isSelect ? { values } : {}) },
        message: message ?? { id: snowflake(), channel_id: snowflake(), components: [], embeds: [] },
      },
    };
  });

const autocompleteArb = fc
  .record({
    actor,
    name: fc.oneof(fc.constantFrom(...COMMANDS.map((c) => c.name)), hostileString),
    option: fc.oneof(fc.constantFrom('shipping', 'productid', 'order'), hostileString),
    value: anyValue,
    focused: fc.oneof(fc.constant(true), fc.constant(false), fc.constant('yes')),
  })
  .map(({ actor: a, name, option, value, focused }) => {
    const i = commandInteraction(baseFor(a), name) as Raw & { data: Raw };
    i.type = 4;
    i.data.options = [{ name: option, type: 3, value, focused }];
    return { kind: 'autocomplete' as const, actor: a, body: i };
  });

/**
 * A valid interaction with ONE value made hostile: the random ones above rarely get every other option right,
 * so they seldom reach the service and the database, where a hostile value does its harm.
 */
type Template = { kind: 'command' | 'modal'; actor: Actor; name: string; values: Record<string, string | number> };
const templates = (): Template[] => [
  { kind: 'command', actor: 'admin', name: 'refund', values: { order: A.orderIds[1]!, reason: 'Customer request', amount: 100 } },
  { kind: 'command', actor: 'admin', name: 'refund', values: { order: A.orderIds[1]!, items: `${A.productIds[1]}:1` } },
  { kind: 'command', actor: 'admin', name: 'payment-confirm', values: { orderid: A.orderIds[0]!, amount: 100 } },
  { kind: 'modal', actor: 'customer', name: `order:qty-modal:${A.productIds[0]}`, values: { quantity: '1' } },
  {
    kind: 'command',
    actor: 'customer',
    name: 'order-item',
    values: { productid: A.productIds[0]!, name: A.secrets[2]!, sku: A.secrets[4]!, quantity: 1, unitpricecents: 2500, currency: 'USD' },
  },
  {
    kind: 'command',
    actor: 'customer',
    name: 'order-shipping',
    values: { shipping: A.shippingTypeIds[0]!, street: '1 Elm St', city: 'Springfield', zip: '62701', country: 'US' },
  },
  {
    kind: 'modal',
    actor: 'customer',
    name: 'order:address:modal',
    values: { line1: '1 Elm St', city: 'Springfield', postal_country: '62701 US' },
  },
  { kind: 'modal', actor: 'admin', name: `payment:reject-modal:${A.paymentIds[0]}`, values: { reason: 'No payment received' } },
  { kind: 'modal', actor: 'admin', name: `payment:receipt-modal:${A.paymentIds[0]}`, values: { amount: '1.00', note: 'ref 1' } },
];
const nearValidArb = fc
  .record({ which: fc.nat(), field: fc.nat(), hostile: anyValue, asString: hostileString })
  .map(({ which, field, hostile, asString }) => {
    const all = templates();
    const t = all[which % all.length]!;
    const keys = Object.keys(t.values);
    const key = keys[field % keys.length]!;
    const values = { ...t.values, [key]: t.kind === 'modal' ? asString : hostile };
    const base = baseFor(t.actor);
    if (t.kind === 'command') {
      const body = commandInteraction(base, t.name, values) as Raw;
      return { kind: 'command' as const, actor: t.actor, body };
    }
    const envelope = commandInteraction(base, 'x') as Raw;
    const fields = Object.entries(values).map(([cid, value]) => ({
      type: 1,
      components: [{ type: 4, custom_id: cid, value: String(value) }],
    }));
    return { kind: 'modal' as const, actor: t.actor, body: { ...envelope, type: 5, data: { custom_id: t.name, components: fields } } };
  });

const interactionArb = fc.oneof(
  { arbitrary: commandArb, weight: 4 },
  { arbitrary: componentArb, weight: 5 },
  { arbitrary: nearValidArb, weight: 3 },
  { arbitrary: autocompleteArb, weight: 1 },
);

// ---- what is checked -------------------------------------------------------------------------------------

/** Response types Discord accepts per interaction type (including the deferrals dispatch may answer with). */
const ALLOWED: Record<string, number[]> = {
  command: [4, 5, 9],
  component: [4, 5, 6, 7, 9],
  modal: [4, 5, 6, 7],
  autocomplete: [8],
};

/** Every row of every table a refused interaction must not change. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = [
    'orders',
    'order_items',
    'payments',
    'payment_receipts',
    'refunds',
    'products',
    'inventory_reservations',
    'order_sessions',
    'order_session_items',
    'addresses',
    'audit_logs',
    'entitlements',
  ];
  const rows = await db.$queryRawUnsafe<{ t: string; j: unknown }[]>(
    tables.map((t) => `select '${t}' as t, (select json_agg(x order by x.id) from ${t} x)::text as j`).join(' union all '),
  );
  return Object.fromEntries(rows.map((r) => [r.t, String(r.j)]));
}

/** The tables whose rows differ, each with its first differing row (before, after). */
function changedTables(before: Record<string, string>, after: Record<string, string>) {
  const changed: Record<string, [unknown, unknown]> = {};
  for (const t of Object.keys(before)) {
    if (before[t] === after[t]) continue;
    const a = (JSON.parse(before[t]!) ?? []) as unknown[];
    const b = (JSON.parse(after[t]!) ?? []) as unknown[];
    const i = Array.from({ length: Math.max(a.length, b.length) }).findIndex((_, k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    changed[t] = [a[i], b[i]];
  }
  return changed;
}

type Answer = { type: number; data?: { flags?: number; content?: string; embeds?: Embed[]; components?: unknown[] } };

const textOf = (a: Answer) =>
  [
    a.data?.content ?? '',
    ...(a.data?.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((x) => [x.name, x.value])]),
  ].join('\n');

/** What Discord would refuse in an answer (then the user sees "This interaction failed"). */
function discordLimitProblems(a: Answer): string[] {
  const problems: string[] = [];
  const d = (a.data ?? {}) as Answer['data'] & { custom_id?: string; title?: string; choices?: { name: string; value: string }[] };
  if ((d.content ?? '').length > 2000) problems.push('content over 2000');
  const embeds = d.embeds ?? [];
  if (embeds.length > 10) problems.push('more than 10 embeds');
  for (const e of embeds) {
    if ((e.title ?? '').length > 256) problems.push('title over 256');
    if ((e.description ?? '').length > 4096) problems.push('description over 4096');
    if ((e.fields ?? []).length > 25) problems.push('more than 25 fields');
    for (const x of e.fields ?? []) {
      if (typeof x.name !== 'string' || !x.name.length || x.name.length > 256) problems.push(`field name ${String(x.name).slice(0, 20)}`);
      if (typeof x.value !== 'string' || !x.value.length || x.value.length > 1024) problems.push(`field value of ${x.name}`);
    }
  }
  const total = messageEmbedChars(embeds);
  if (total > 6000) problems.push(`embeds hold ${total} characters`);
  const rows = (d.components ?? []) as { components?: { custom_id?: string; options?: unknown[] }[] }[];
  if (rows.length > 5) problems.push('more than 5 rows');
  for (const r of rows) for (const c of r.components ?? []) if ((c.custom_id ?? '').length > 100) problems.push('custom id over 100');
  if (d.custom_id !== undefined && d.custom_id.length > 100) problems.push('modal custom id over 100');
  if ((d.choices ?? []).length > 25) problems.push('more than 25 choices');
  return problems;
}

/** A refusal: the error answer dispatch and errorReply give (an ephemeral message in the error colour). */
const isRefusal = (a: Answer) =>
  // (A rejected payment's decision is red too, but it is a done thing: "Order #n · payment rejected", or "· already
  // cancelled" when the order was cancelled before the click.)
  (a.type === 4 &&
    (a.data?.embeds ?? []).some((e) => e.color === COLORS.error && !/· (payment rejected|already cancelled)$/.test(e.title ?? ''))) ||
  // The address step's refusal keeps what was typed and offers the form again (an update of the flow message).
  (a.data?.embeds ?? []).some((e) => e.title === 'Please check the address');

/**
 * The answer the user ends up with: the response itself, or, when it was a deferral (type 5 or 6), what the
 * handler delivered afterwards through the interaction's webhook (an edit of @original or a follow-up).
 */
async function finalAnswer(hx: Harness, sent: { body: Raw }, answer: Answer): Promise<{ answer: Answer; deferred: boolean }> {
  if (answer.type !== 5 && answer.type !== 6) return { answer, deferred: false };
  // A command's deferral is ephemeral (only the caller sees "thinking…" and what replaces it).
  if (answer.type === 5) expect((answer.data?.flags ?? 0) & 64).toBe(64);
  const token = String(sent.body.token);
  const call = await hx.fake.waitFor((c) => c.path.startsWith('/webhooks/') && c.path.includes(`/${token}`));
  return { answer: { type: 4, data: call.body as Answer['data'] }, deferred: true };
}

/** One interaction, checked against every property. */
async function check(hx: Harness, sent: { kind: string; actor: Actor; body: Raw }) {
  const before = await snapshot();
  const res = await send(hx, sent.body);
  expect(res.status, res.text).toBe(200);
  expect(ALLOWED[sent.kind]).toContain((res.body as Answer).type);
  const { answer, deferred } = await finalAnswer(hx, sent, res.body as Answer);
  const text = textOf(answer);
  expect(discordLimitProblems(answer)).toEqual([]);
  // The generic crash text is for a bug; a hostile input has a specific answer.
  expect(text).not.toMatch(/Something went wrong|reference [0-9a-f-]{36}/);
  if (answer.type === 4 && !deferred) expect((answer.data?.flags ?? 0) & 64).toBe(64);
  if (isRefusal(answer)) {
    expect(text.trim().length).toBeGreaterThan(0);
    expect(changedTables(before, await snapshot())).toEqual({});
  }
  // Nothing of shop B reaches a reply in shop A, and nothing of A's customer reaches anyone else, unless the
  // interaction carried it itself.
  const raw = JSON.stringify(answer);
  const carried = JSON.stringify(sent.body);
  const private_ = [...B.secrets, ...(sent.actor === 'customer' ? [] : A.customerOnly)];
  for (const secret of private_) if (!carried.includes(secret)) expect(raw).not.toContain(secret);
}

describe('signed hostile interactions (property-based)', () => {
  it('answer 200 with a valid response, refuse specifically and ephemerally, write nothing when refused, leak nothing', async () => {
    await fc.assert(
      // A short sequence, so a hostile click can land on a state the ones before it made (a session, a cancel).
      fc.asyncProperty(fc.array(interactionArb, { minLength: 1, maxLength: 3 }), async (sequence) => {
        for (const sent of sequence) await check(h, sent);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200), seed: Number(process.env.FUZZ_SEED ?? 20261205), endOnFailure: true },
    );
  }, 120_000);

  it('hold on the deferral path too: what the handler delivers through the webhook afterwards', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(interactionArb, { minLength: 1, maxLength: 2 }), async (sequence) => {
        for (const sent of sequence) await check(deferring, sent);
      }),
      {
        numRuns: Math.ceil(Number(process.env.FUZZ_RUNS ?? 200) / 4),
        seed: Number(process.env.FUZZ_SEED ?? 20261205) + 1,
        endOnFailure: true,
      },
    );
  }, 120_000);
});
