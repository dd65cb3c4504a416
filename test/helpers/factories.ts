// Factories for every model: each creates a valid row with sensible defaults; pass overrides for what a
// test cares about. They write through Prisma directly (test data, not business operations).
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/platform/db/prisma.js';
import type { Prisma } from '../../src/generated/prisma/index.js';
import { hashPassword } from '../../src/platform/crypto.js';
import { testDb } from './db.js';

let seq = 0;
const next = () => ++seq;
/** A string that looks like a Discord snowflake (17-19 digits). */
export function snowflake(): string {
  return (BigInt(Date.now() - 1420070400000) * 4194304n + BigInt(next() % 4194304)).toString();
}
const uniq = () => `${next()}${randomBytes(3).toString('hex')}`;

type Data<T> = Partial<T> & Record<string, unknown>;

/**
 * One hash per password for a test worker: scrypt at the production cost (platform/crypto.ts: 32 MiB, tens of
 * milliseconds of a core, more on a busy machine) for every admin a test creates added up across the suite. A
 * stored hash is only ever verified, never compared between two admins, so sharing one salt per password
 * changes nothing a test can see. Signing in still verifies at the production cost.
 */
const hashes = new Map<string, Promise<string>>();
const hashOnce = (password: string) => {
  let hash = hashes.get(password);
  if (!hash) {
    hashes.set(password, (hash = hashPassword(password)));
    hash.catch(() => hashes.delete(password)); // a failed hash is not kept for the next admin
  }
  return hash;
};

/**
 * `given`, or else the test file's database. Without one, each call reads testDb() when it runs,
 * not when factories() is called: a helper module that keeps `factories()` at its top level (api-fixtures.ts) is
 * evaluated once per test worker (test files share modules, vitest.config.ts `isolate: false`), while each file
 * has its own database.
 */
export function factories(given?: Db) {
  const current = () => given ?? testDb();
  return {
    async tenant(data: Data<Prisma.TenantUncheckedCreateInput> = {}) {
      return current().tenant.create({
        data: {
          name: `Shop ${uniq()}`,
          enabledPaymentMethods: ['VENMO_P2P', 'ZELLE', 'PAYPAL', 'CASHAPP_PAY', 'BTC_INVOICE'],
          paymentInstructions: {
            VENMO_P2P: { handle: '@shop', instructions: 'Pay @shop on Venmo' },
            ZELLE: { handle: 'pay@shop.test', instructions: 'Zelle pay@shop.test' },
          },
          adminChannelId: snowflake(),
          adminRoleIds: [snowflake()],
          ...data,
        } as Prisma.TenantUncheckedCreateInput,
      });
    },
    async guild(data: Data<Prisma.GuildUncheckedCreateInput> & { tenantId: string }) {
      return current().guild.create({ data: { id: snowflake(), name: `Guild ${uniq()}`, ...data } as Prisma.GuildUncheckedCreateInput });
    },
    async adminUser(data: Data<Prisma.AdminUserUncheckedCreateInput> & { password?: string } = {}) {
      const { password = 'correct horse battery staple', ...rest } = data;
      return current().adminUser.create({
        data: {
          email: `admin-${uniq()}@test.local`,
          passwordHash: await hashOnce(password),
          role: 'TENANT_ADMIN',
          ...rest,
        } as Prisma.AdminUserUncheckedCreateInput,
      });
    },
    async apiKey(data: Data<Prisma.ApiKeyUncheckedCreateInput> & { tenantId: string }) {
      return current().apiKey.create({
        data: {
          name: 'test key',
          prefix: `ll_${uniq()}`,
          hash: randomBytes(32).toString('hex'),
          ...data,
        } as Prisma.ApiKeyUncheckedCreateInput,
      });
    },
    async customer(data: Data<Prisma.CustomerUncheckedCreateInput> & { tenantId: string }) {
      return current().customer.create({
        data: { discordUserId: snowflake(), username: `user${uniq()}`, ...data } as Prisma.CustomerUncheckedCreateInput,
      });
    },
    async address(data: Data<Prisma.AddressUncheckedCreateInput> & { tenantId: string; customerId: string }) {
      return current().address.create({
        data: {
          name: 'Pat Customer',
          line1: '123 Main St',
          city: 'Springfield',
          state: 'IL',
          postalCode: '62701',
          country: 'US',
          ...data,
        } as Prisma.AddressUncheckedCreateInput,
      });
    },
    async product(data: Data<Prisma.ProductUncheckedCreateInput> & { tenantId: string }) {
      return current().product.create({
        data: { sku: `SKU-${uniq()}`, name: `Product ${uniq()}`, unitPriceCents: 1500, ...data } as Prisma.ProductUncheckedCreateInput,
      });
    },
    async shippingType(data: Data<Prisma.ShippingTypeUncheckedCreateInput> & { tenantId: string }) {
      return current().shippingType.create({
        data: { name: `Ship ${uniq()}`, priceCents: 500, ...data } as Prisma.ShippingTypeUncheckedCreateInput,
      });
    },
    async discount(data: Data<Prisma.DiscountUncheckedCreateInput> & { tenantId: string }) {
      return current().discount.create({
        data: { name: `Discount ${uniq()}`, type: 'PERCENT', percentOff: 10, ...data } as Prisma.DiscountUncheckedCreateInput,
      });
    },
    async discountAssignment(
      data: Data<Prisma.DiscountAssignmentUncheckedCreateInput> & { tenantId: string; discountId: string; customerId: string },
    ) {
      return current().discountAssignment.create({ data: data as Prisma.DiscountAssignmentUncheckedCreateInput });
    },
    async orderSession(data: Data<Prisma.OrderSessionUncheckedCreateInput> & { tenantId: string; customerId: string }) {
      return current().orderSession.create({
        data: { expiresAt: new Date(Date.now() + 30 * 60_000), ...data } as Prisma.OrderSessionUncheckedCreateInput,
      });
    },
    async orderSessionItem(data: Data<Prisma.OrderSessionItemUncheckedCreateInput> & { sessionId: string; productId: string }) {
      return current().orderSessionItem.create({ data: { quantity: 1, ...data } as Prisma.OrderSessionItemUncheckedCreateInput });
    },
    /** An order with one line per product given (default: one new product), a payment and reservations as submit makes them. */
    async order(
      data: Data<Prisma.OrderUncheckedCreateInput> & {
        tenantId: string;
        customerId: string;
        lines?: { productId: string; sku?: string; name?: string; quantity: number; unitPriceCents: number }[];
        paymentStatus?: Prisma.PaymentUncheckedCreateInput['status'];
      },
    ) {
      const { lines: givenLines, paymentStatus, ...rest } = data;
      const lines = givenLines ?? [{ productId: (await this.product({ tenantId: data.tenantId })).id, quantity: 1, unitPriceCents: 1500 }];
      const subtotal = lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0);
      const t = await current().tenant.update({ where: { id: data.tenantId }, data: { nextOrderNumber: { increment: 1 } } });
      const totalCents = (rest.totalCents as number | undefined) ?? subtotal;
      const order = await current().order.create({
        data: {
          number: t.nextOrderNumber - 1,
          subtotalCents: subtotal,
          totalCents,
          paymentMethod: 'VENMO_P2P',
          shippingAddress: { line1: '123 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
          ...rest,
          items: {
            create: lines.map((l) => ({
              productId: l.productId,
              sku: l.sku ?? 'SKU',
              name: l.name ?? 'Item',
              quantity: l.quantity,
              unitPriceCents: l.unitPriceCents,
            })),
          },
        } as Prisma.OrderUncheckedCreateInput,
        include: { items: true },
      });
      const payment = await current().payment.create({
        data: {
          tenantId: data.tenantId,
          orderId: order.id,
          method: order.paymentMethod,
          amountCents: totalCents,
          status: paymentStatus ?? 'awaiting_admin_approval',
        },
      });
      return { ...order, payment };
    },
    async payment(data: Data<Prisma.PaymentUncheckedCreateInput> & { tenantId: string; orderId: string }) {
      return current().payment.create({ data: { method: 'VENMO_P2P', amountCents: 1500, ...data } as Prisma.PaymentUncheckedCreateInput });
    },
    async refund(data: Data<Prisma.RefundUncheckedCreateInput> & { tenantId: string; orderId: string }) {
      return current().refund.create({
        data: { mode: 'PARTIAL_AMOUNT', amountCents: 100, actorType: 'PANEL_ADMIN', ...data } as Prisma.RefundUncheckedCreateInput,
      });
    },
    async reservation(
      data: Data<Prisma.InventoryReservationUncheckedCreateInput> & { tenantId: string; orderId: string; productId: string },
    ) {
      return current().inventoryReservation.create({ data: { quantity: 1, ...data } as Prisma.InventoryReservationUncheckedCreateInput });
    },
    async entitlement(
      data: Data<Prisma.EntitlementUncheckedCreateInput> & { tenantId: string; customerId: string; productId: string; orderId: string },
    ) {
      return current().entitlement.create({ data: { roleId: snowflake(), ...data } as Prisma.EntitlementUncheckedCreateInput });
    },
    async auditLog(data: Data<Prisma.AuditLogUncheckedCreateInput> & { tenantId: string }) {
      return current().auditLog.create({
        data: {
          actorType: 'SYSTEM',
          action: 'test',
          entityType: 'Order',
          entityId: 'ord_x',
          ...data,
        } as Prisma.AuditLogUncheckedCreateInput,
      });
    },
    async processedInteraction(data: Data<Prisma.ProcessedInteractionUncheckedCreateInput> = {}) {
      return current().processedInteraction.create({
        data: { id: snowflake(), ...data } as Prisma.ProcessedInteractionUncheckedCreateInput,
      });
    },
    /** A tenant with a linked guild, a customer and two products: the usual starting point. */
    async shop(opts: { tenant?: Data<Prisma.TenantUncheckedCreateInput> } = {}) {
      const tenant = await this.tenant(opts.tenant);
      const guild = await this.guild({ tenantId: tenant.id });
      const customer = await this.customer({ tenantId: tenant.id });
      const products = [
        await this.product({ tenantId: tenant.id, unitPriceCents: 2500 }),
        await this.product({ tenantId: tenant.id, unitPriceCents: 500 }),
      ];
      const shippingType = await this.shippingType({ tenantId: tenant.id });
      return { tenant, guild, customer, products, shippingType };
    },
    /** A shop (shop()) and one order of its customer in its guild, waiting for a Zelle payment: one Tee at $55.00. */
    async unpaidZelleOrder() {
      const shop = await this.shop();
      const order = await this.order({
        tenantId: shop.tenant.id,
        customerId: shop.customer.id,
        guildId: shop.guild.id,
        paymentMethod: 'ZELLE',
        lines: [{ productId: shop.products[0]!.id, name: 'Tee', quantity: 1, unitPriceCents: 5500 }],
      });
      return { shop, order };
    },
  };
}
