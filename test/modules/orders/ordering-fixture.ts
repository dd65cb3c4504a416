// Builds the ordering services (as the container does) on the test file's database, with a clock the test
// can move and a fake TaxJar, plus helpers to walk a customer through the session steps.
import { createSecretBox } from '../../../src/platform/secret-box.js';
import { TEST_SECRETS_KEYS } from '../../helpers/app.js';
import { z } from 'zod';
import { FakeTaxjar } from '../../../src/dev/fake-taxjar.js';
import { createCatalogService } from '../../../src/modules/catalog/catalog.service.js';
import { createCustomerService } from '../../../src/modules/customers/customer.service.js';
import { createDiscountService } from '../../../src/modules/discounts/discount.service.js';
import { createInventoryService } from '../../../src/modules/inventory/inventory.service.js';
import { createOrderSessionService, createSubmitOrder } from '../../../src/modules/checkout/index.js';
import { createNewOrderPayWindow } from '../../../src/modules/order-expiry/payment-window.service.js';
import { createOrderService } from '../../../src/modules/orders/index.js';
import { EVENTS } from '../../../src/modules/shared/events.js';
import { createAddressCheckService } from '../../../src/modules/tax/address-check.service.js';
import { createTaxjarAdapter } from '../../../src/modules/tax/taxjar.adapter.js';
import { createTenantService } from '../../../src/modules/tenants/tenant.service.js';
import type { Clock } from '../../../src/platform/clock.js';
import type { Db } from '../../../src/platform/db/prisma.js';
import type { SqlClient } from '../../../src/platform/db/sql.js';
import { EventBus } from '../../../src/platform/jobs/queue.js';
import { createLogger } from '../../../src/platform/logger.js';
import { testCheckoutSql, testSql } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

export class MovableClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advanceMinutes(m: number): void {
    this.offsetMs += m * 60_000;
  }
}

/**
 * `txRetries`: how many times submit's transaction is run again after a deadlock (default: as in production);
 * 0 makes a deadlock the caller's error, for a test that proves there is none.
 */
export async function orderingFixture(db: Db, opts: { taxTimeoutMs?: number; txRetries?: number } = {}) {
  const sql = testSql();
  const clock = new MovableClock();
  const taxjar = await new FakeTaxjar().start();
  const logger = createLogger({ level: 'silent', pretty: false });
  const bus = new EventBus();
  // A subscriber, so emit() really enqueues a job the tests can count.
  bus.subscribe(EVENTS.orderCreated, 'test-observer', { schema: z.object({}).passthrough(), run: async () => undefined });
  bus.subscribe(EVENTS.paymentReminder, 'test-observer', { schema: z.object({}).passthrough(), run: async () => undefined });
  const inventory = createInventoryService();
  const customers = createCustomerService({ db, clock, bus });
  const discounts = createDiscountService();
  const tax = createTaxjarAdapter({
    apiUrl: taxjar.url,
    // A budget for an answer that never comes; a test of the timeout itself passes a short one.
    timeoutMs: opts.taxTimeoutMs ?? 30_000,
    logger,
    secrets: createSecretBox(TEST_SECRETS_KEYS),
  });
  // A server that can link to the invoice page and has every provider's adapter (selection-rules.ts PaymentReach).
  const reach = { invoiceLinks: true, providers: ['PAYPAL', 'SQUARE', 'BTCPAY'] as const };
  const deps = { db, sql, clock, bus, inventory, discounts, tax, customers, ttlMinutes: 30, reach };
  const checkoutSql = testCheckoutSql();
  // Each submit transaction's statements in order, as the transaction's runner was called: 'query' (any
  // statement awaited on its own) or 'queryThenCommit' (the last one, sent with its COMMIT).
  const txLog: ('query' | 'queryThenCommit')[][] = [];
  const submitSql: SqlClient = {
    ...checkoutSql,
    transaction: (fn, o) =>
      checkoutSql.transaction(
        (tx) => {
          const log: (typeof txLog)[number] = [];
          txLog.push(log);
          return fn({
            ...tx,
            query: (st) => (log.push('query'), tx.query(st)),
            execute: (st) => (log.push('query'), tx.execute(st)),
            queryThenCommit: (st) => (log.push('queryThenCommit'), tx.queryThenCommit(st)),
          });
        },
        { ...o, ...(opts.txRetries === undefined ? {} : { retries: opts.txRetries }) },
      ),
  };
  const services = {
    tenants: createTenantService({ db }),
    customers,
    catalog: createCatalogService({ db }),
    addressCheck: createAddressCheckService({ tax }),
    orderSessions: createOrderSessionService(deps),
    // As the container wires it: submits' transactions on the checkout pool, whose connections pipeline.
    orders: createOrderService({
      db,
      submit: createSubmitOrder({ ...deps, sql: submitSql, payWindows: createNewOrderPayWindow({ bus }) }),
    }),
    inventory,
    tax,
  };
  const f = factories(db);

  /** A tenant (TaxJar on the fake when taxjar: true) with one shipping type and a product. */
  async function shop(o: { taxjar?: boolean; stock?: number; priceCents?: number; tenant?: Record<string, unknown> } = {}) {
    const tenant = await f.tenant({
      ...(o.taxjar
        ? {
            taxjarEnabled: true,
            taxjarApiKey: 'test-taxjar-key',
            taxjarFromAddress: { country: 'US', zip: '92093', state: 'CA', city: 'La Jolla', street: '9500 Gilman Drive' },
          }
        : {}),
      ...o.tenant,
    });
    const guild = await f.guild({ tenantId: tenant.id });
    const shippingType = await f.shippingType({ tenantId: tenant.id, priceCents: 500, name: 'Standard' });
    const product = await f.product({
      tenantId: tenant.id,
      unitPriceCents: o.priceCents ?? 2500,
      ...(o.stock !== undefined ? { trackStock: true, stock: o.stock } : {}),
    });
    return { tenant, guild, shippingType, product };
  }

  const address = { name: 'Pat Customer', line1: '123 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };

  /** Walks a new customer to READY_TO_SUBMIT with `quantity` of the product. */
  async function readyCustomer(
    s: Awaited<ReturnType<typeof shop>>,
    o: { quantity?: number; productId?: string; memberRoleIds?: string[] } = {},
  ) {
    const customer = await f.customer({ tenantId: s.tenant.id });
    await services.orderSessions.start(s.tenant.id, customer.id, { guildId: s.guild.id });
    await services.orderSessions.setItem(s.tenant.id, customer.id, {
      productId: o.productId ?? s.product.id,
      quantity: o.quantity ?? 1,
      memberRoleIds: o.memberRoleIds ?? [],
    });
    await services.orderSessions.setAddress(s.tenant.id, customer.id, { address });
    await services.orderSessions.setShippingType(s.tenant.id, customer.id, s.shippingType.id);
    await services.orderSessions.setPaymentMethod(s.tenant.id, customer.id, 'VENMO_P2P');
    return customer;
  }

  return { clock, taxjar, services, f, shop, readyCustomer, address, txLog, close: () => taxjar.stop() };
}
