// The Discord surface's dependencies (eslint.config.js keeps surfaces from importing src/container.ts).
import type { REST } from '@discordjs/rest';
import type { AddressCheckService } from '../../modules/tax/address-check.service.js';
import type { CatalogService } from '../../modules/catalog/catalog.service.js';
import type { ConnectionService } from '../../modules/payments-processor/connections/connection.service.js';
import type { CustomerService } from '../../modules/customers/customer.service.js';
import type { Db } from '../../platform/db/prisma.js';
import type { SqlRunner } from '../../platform/db/sql.js';
import type { DigitalGoods } from '../../modules/entitlements/digital-goods.js';
import type { Env } from '../../config/env.js';
import type { InvoiceService } from '../../modules/invoices/invoice.service.js';
import type { Logger } from '../../platform/logger.js';
import type { MissedNotices } from '../../modules/notifications/missed-notices.js';
import type { Clock } from '../../platform/clock.js';
import type { OrderAdminService } from '../../modules/order-admin/order-admin.service.js';
import type { OrderService } from '../../modules/orders/index.js';
import type { OrderSessionService } from '../../modules/checkout/index.js';
import type { PaymentService } from '../../modules/payments/payment.service.js';
import type { RefundService } from '../../modules/refunds/refund.service.js';
import type { TenantService } from '../../modules/tenants/tenant.service.js';

/**
 * What the discord surface uses of the composition root: the services it calls, nothing more. The
 * container's Services satisfies it; tests may hand in a smaller object that does too.
 */
export interface Services {
  addressCheck: AddressCheckService;
  catalog: CatalogService;
  /** "Now" for what the customer is shown (an unpaid order's deadline before its job has set it). */
  clock: Clock;
  customers: CustomerService;
  db: Db;
  digitalGoods: DigitalGoods;
  discordRest: REST;
  /** Interaction follow-ups (deferred answers): see adapters/discord/discord-rest.ts createInteractionRest. */
  interactionRest: REST;
  env: Env;
  invoices: InvoiceService;
  logger: Logger;
  /** DMs the customer missed (DMs closed, or refused for good otherwise), shown with their next private reply. */
  missedNotices: MissedNotices;
  /** The customer's own "Cancel order" goes through the panel's cancel (cancelForCustomer). */
  orderAdmin: OrderAdminService;
  orderSessions: OrderSessionService;
  orders: OrderService;
  paymentConnections: ConnectionService;
  payments: PaymentService;
  refunds: RefundService;
  /** Plain SQL (prepared statements): the per-interaction duplicate check (interaction-dedup.ts). */
  sql: SqlRunner;
  tenants: TenantService;
}
