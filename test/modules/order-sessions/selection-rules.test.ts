// Every selection rule (modules/checkout/selection-rules.ts) walked through both of its paths: its SQL (the
// one-statement step's guard) and its TypeScript check, on a session that breaks that rule alone. Both must
// say "no" there and "yes" on the untouched session, and the step (whose fast path then writes nothing and
// whose long way throws) must answer with the rule's error code. A rule added without a case here fails
// the completeness check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../../src/generated/prisma/index.js';
import {
  hasItemsRule,
  paymentRules,
  productRules,
  shippingChosenRule,
  shippingTypeRules,
  type Rule,
} from '../../../src/modules/checkout/selection-rules.js';
import { loadSessionById, type LoadedProduct } from '../../../src/modules/checkout/sessions/session-store.js';
import { AppError } from '../../../src/platform/errors.js';
import { testDb, testSql } from '../../helpers/db.js';
import { orderingFixture } from '../orders/ordering-fixture.js';

const db = testDb(20);
const sql = testSql();
let fx: Awaited<ReturnType<typeof orderingFixture>>;
beforeAll(async () => {
  fx = await orderingFixture(db);
});
afterAll(() => fx.close());

const ROLES = ['300000000000000001'];
const REACH = { invoiceLinks: true, providers: ['PAYPAL', 'SQUARE', 'BTCPAY'] as const };
const QTY = 2;

/** A READY_TO_SUBMIT session (ZELLE) with QTY of a role-gated, tracked product; every rule holds on it. */
async function baseline() {
  const s = await fx.shop({ stock: 5 });
  await db.product.update({ where: { id: s.product.id }, data: { requiredRoleIds: ROLES } });
  const customer = await fx.f.customer({ tenantId: s.tenant.id });
  const os = fx.services.orderSessions;
  await os.start(s.tenant.id, customer.id);
  await os.setItem(s.tenant.id, customer.id, { productId: s.product.id, quantity: QTY, memberRoleIds: ROLES });
  await os.setAddress(s.tenant.id, customer.id, { address: fx.address });
  await os.setShippingType(s.tenant.id, customer.id, s.shippingType.id);
  const view = await os.setPaymentMethod(s.tenant.id, customer.id, 'ZELLE');
  return { ...s, customer, sessionId: view.id };
}
type Base = Awaited<ReturnType<typeof baseline>>;

interface Case {
  rule: string;
  /** The payment method the rules are built for and the step chooses (ZELLE when not given). */
  method?: 'PAYPAL';
  /** Makes the rule hold on the baseline first (the method enabled and payable). */
  prepare?(b: Base): Promise<void>;
  /** Breaks this rule only. */
  breakIt(b: Base): Promise<void>;
  /** The step whose preconditions include the rule. */
  step(b: Base): Promise<unknown>;
}

const setItem = (b: Base) =>
  fx.services.orderSessions.setItem(b.tenant.id, b.customer.id, { productId: b.product.id, quantity: QTY, memberRoleIds: ROLES });
const setPayment = (b: Base) => fx.services.orderSessions.setPaymentMethod(b.tenant.id, b.customer.id, 'ZELLE');
const setShipping = (b: Base) => fx.services.orderSessions.setShippingType(b.tenant.id, b.customer.id, b.shippingType.id);

const CASES: Case[] = [
  {
    rule: 'product.available',
    breakIt: (b) => db.product.update({ where: { id: b.product.id }, data: { active: false } }).then(() => undefined),
    step: setItem,
  },
  {
    rule: 'product.role',
    breakIt: (b) =>
      db.product.update({ where: { id: b.product.id }, data: { requiredRoleIds: ['399999999999999999'] } }).then(() => undefined),
    step: setItem,
  },
  {
    rule: 'product.currency',
    breakIt: (b) => db.product.update({ where: { id: b.product.id }, data: { currency: 'EUR' } }).then(() => undefined),
    step: setItem,
  },
  {
    rule: 'product.stock',
    breakIt: (b) => db.product.update({ where: { id: b.product.id }, data: { stock: QTY - 1 } }).then(() => undefined),
    step: setItem,
  },
  {
    rule: 'session.items',
    breakIt: (b) => db.orderSessionItem.deleteMany({ where: { sessionId: b.sessionId } }).then(() => undefined),
    step: setPayment,
  },
  {
    rule: 'session.address',
    breakIt: (b) => db.orderSession.update({ where: { id: b.sessionId }, data: { addressId: null } }).then(() => undefined),
    step: setPayment,
  },
  {
    rule: 'shipping.chosen',
    breakIt: (b) => db.orderSession.update({ where: { id: b.sessionId }, data: { shippingTypeId: null } }).then(() => undefined),
    step: setPayment,
  },
  {
    rule: 'payment.enabled',
    breakIt: (b) => db.tenant.update({ where: { id: b.tenant.id }, data: { enabledPaymentMethods: ['VENMO_P2P'] } }).then(() => undefined),
    step: setPayment,
  },
  {
    // PayPal needs the shop's working connection (and, in the fixture's reach, the invoice page and the adapter).
    rule: 'payment.payable',
    method: 'PAYPAL',
    prepare: async (b) => {
      await db.tenant.update({ where: { id: b.tenant.id }, data: { enabledPaymentMethods: ['ZELLE', 'PAYPAL'] } });
      await db.paymentConnection.create({
        data: { tenantId: b.tenant.id, provider: 'PAYPAL', environment: 'sandbox', status: 'CONNECTED', secrets: 'sealed' },
      });
    },
    breakIt: (b) => db.paymentConnection.updateMany({ where: { tenantId: b.tenant.id }, data: { status: 'FAILED' } }).then(() => undefined),
    step: (b) => fx.services.orderSessions.setPaymentMethod(b.tenant.id, b.customer.id, 'PAYPAL'),
  },
  {
    rule: 'shipping.active',
    breakIt: (b) => db.shippingType.update({ where: { id: b.shippingType.id }, data: { active: false } }).then(() => undefined),
    step: setShipping,
  },
  {
    // The baseline's product is goods to ship: a digital-only shipping type is not for its cart.
    rule: 'shipping.digitalOnly',
    breakIt: (b) => db.shippingType.update({ where: { id: b.shippingType.id }, data: { digitalOnly: true } }).then(() => undefined),
    step: setShipping,
  },
];

/** Every rule the steps use, by id, with how to evaluate both of its paths on a session. */
function allRules(method: 'ZELLE' | 'PAYPAL' = 'ZELLE'): Map<string, { rule: Rule<never>; facts: 'product' | 'session' | 'shipping' }> {
  const out = new Map<string, { rule: Rule<never>; facts: 'product' | 'session' | 'shipping' }>();
  for (const r of productRules({ quantity: QTY, memberRoleIds: ROLES })) out.set(r.id, { rule: r as Rule<never>, facts: 'product' });
  for (const r of [hasItemsRule('x'), shippingChosenRule(), ...paymentRules(method, REACH)])
    out.set(r.id, { rule: r as Rule<never>, facts: 'session' });
  for (const r of shippingTypeRules()) out.set(r.id, { rule: r as Rule<never>, facts: 'shipping' });
  return out;
}

/** The rule's SQL, evaluated over this session (`s`), its tenant (`t`), its product (`p`) and shipping type (`x`). */
async function sqlSays(rule: Rule<never>, b: Base): Promise<boolean> {
  const [row] = await sql.query<{ ok: boolean }>(Prisma.sql`
    SELECT (${rule.sql}) AS ok FROM order_sessions s JOIN tenants t ON t.id = s."tenantId"
      JOIN products p ON p.id = ${b.product.id} JOIN shipping_types x ON x.id = ${b.shippingType.id}
    WHERE s.id = ${b.sessionId}`);
  return row!.ok;
}

/** The rule's TypeScript check, on what the steps read (the session, the product, the shipping type). */
async function tsSays(rule: Rule<never>, kind: 'product' | 'session' | 'shipping', b: Base): Promise<boolean> {
  const session = (await loadSessionById(sql, b.tenant.id, b.sessionId))!;
  const product = (await db.product.findUniqueOrThrow({ where: { id: b.product.id } })) as unknown as LoadedProduct;
  const shippingType = await db.shippingType.findUniqueOrThrow({ where: { id: b.shippingType.id } });
  const facts =
    kind === 'product'
      ? { tenant: session.tenant, product }
      : kind === 'session'
        ? { session }
        : { shippingType, tenantId: b.tenant.id, items: session.items };
  return (rule as Rule<typeof facts>).holds(facts);
}

describe('selection rules: one rule, SQL guard and readable error', () => {
  it('has a case for every rule', () => {
    expect(CASES.map((c) => c.rule).sort()).toEqual([...allRules().keys()].sort());
  });

  for (const c of CASES) {
    it(`${c.rule}: the SQL guard and the check agree, and the step answers with its code`, async () => {
      const { rule, facts } = allRules(c.method).get(c.rule)!;
      const b = await baseline();
      await c.prepare?.(b);
      expect(await sqlSays(rule, b)).toBe(true);
      expect(await tsSays(rule, facts, b)).toBe(true);
      await c.breakIt(b);
      expect(await sqlSays(rule, b)).toBe(false);
      expect(await tsSays(rule, facts, b)).toBe(false);
      const before = await db.orderSession.findUniqueOrThrow({ where: { id: b.sessionId } });
      const err = await c.step(b).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe(rule.code);
      // Neither path wrote anything.
      expect((await db.orderSession.findUniqueOrThrow({ where: { id: b.sessionId } })).updatedAt).toEqual(before.updatedAt);
    });
  }
});
