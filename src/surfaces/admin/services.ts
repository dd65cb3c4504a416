// The admin panel's dependencies (eslint.config.js keeps surfaces from importing src/container.ts).
import type { REST } from '@discordjs/rest';
import type { ApiKeyService } from '../../modules/api-keys/api-key.service.js';
import type { AuditService } from '../../modules/audit/audit.service.js';
import type { Clock } from '../../platform/clock.js';
import type { ConnectionService } from '../../modules/payments-processor/connections/connection.service.js';
import type { CustomerService } from '../../modules/customers/customer.service.js';
import type { Db } from '../../platform/db/prisma.js';
import type { DigitalGoods } from '../../modules/entitlements/digital-goods.js';
import type { Env } from '../../config/env.js';
import type { EventBus } from '../../platform/jobs/queue.js';
import type { InvoiceService } from '../../modules/invoices/invoice.service.js';
import type { Logger } from '../../platform/logger.js';
import type { OrderAdminService } from '../../modules/order-admin/order-admin.service.js';
import type { PaymentWindowService } from '../../modules/order-expiry/payment-window.service.js';
import type { OrderService } from '../../modules/orders/index.js';
import type { PaymentService } from '../../modules/payments/payment.service.js';
import type { RefundService } from '../../modules/refunds/refund.service.js';
import type { ExportService } from '../../modules/exports/export.service.js';
import type { TaxReportService } from '../../modules/tax/tax-summary.query.js';
import type { RoleRepairService } from '../../modules/entitlements/role-repair.service.js';
import type { SecretBox } from '../../platform/secret-box.js';
import type { WebhookEndpointService } from '../../modules/webhooks/webhook-endpoint.service.js';

/**
 * What the admin surface uses of the composition root: the services it calls, nothing more. The
 * container's Services satisfies it; tests may hand in a smaller object that does too.
 */
export interface Services {
  apiKeys: ApiKeyService;
  audit: AuditService;
  bus: EventBus;
  clock: Clock;
  /** A customer's personal data erased (modules/customers erase). */
  customers: Pick<CustomerService, 'erase'>;
  databaseUrl: string;
  db: Db;
  digitalGoods: DigitalGoods;
  discordRest: REST;
  env: Env;
  exports: ExportService;
  invoices: InvoiceService;
  logger: Logger;
  orderAdmin: OrderAdminService;
  /** Unpaid orders' pay windows: extend (modules/order-expiry). */
  paymentWindows: PaymentWindowService;
  orders: OrderService;
  paymentConnections: ConnectionService;
  payments: PaymentService;
  refunds: RefundService;
  roleRepair: RoleRepairService;
  secrets: SecretBox;
  taxReport: TaxReportService;
  webhooks: WebhookEndpointService;
}
