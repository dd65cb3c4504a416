// The HTTP surface's dependencies (eslint.config.js keeps surfaces from importing src/container.ts).
import type { ApiKeyService } from '../../modules/api-keys/api-key.service.js';
import type { AuditService } from '../../modules/audit/audit.service.js';
import type { CatalogService } from '../../modules/catalog/catalog.service.js';
import type { CustomerService } from '../../modules/customers/customer.service.js';
import type { Db } from '../../platform/db/prisma.js';
import type { InvoiceService } from '../../modules/invoices/invoice.service.js';
import type { Logger } from '../../platform/logger.js';
import type { OrderAdminService } from '../../modules/order-admin/order-admin.service.js';
import type { OrderListService, OrderService } from '../../modules/orders/index.js';
import type { PaymentWindowService } from '../../modules/order-expiry/payment-window.service.js';
import type { PaymentService } from '../../modules/payments/payment.service.js';
import type { ConnectionService } from '../../modules/payments-processor/connections/connection.service.js';
import type { RefundService } from '../../modules/refunds/refund.service.js';
import type { ExportService } from '../../modules/exports/export.service.js';
import type { TenantService } from '../../modules/tenants/tenant.service.js';

/**
 * What the http surface uses of the composition root: the services it calls, nothing more. The
 * container's Services satisfies it; tests may hand in a smaller object that does too.
 */
export interface Services {
  apiKeys: ApiKeyService;
  /** The audit log, for writes the API makes through a module function (the shop's currency change). */
  audit: Pick<AuditService, 'record'>;
  catalog: CatalogService;
  /** A customer's personal data erased (modules/customers erase). */
  customers: Pick<CustomerService, 'erase'>;
  db: Db;
  exports: ExportService;
  invoices: InvoiceService;
  logger: Logger;
  orderAdmin: OrderAdminService;
  /** Unpaid orders' pay windows: extend (modules/order-expiry). */
  paymentWindows: PaymentWindowService;
  orders: OrderService;
  /** The order list's keyset pages (GET /api/orders). */
  orderList: OrderListService;
  payments: PaymentService;
  /** Whether the shop's processor-backed payment methods can take a currency (the currency change's rule). */
  paymentConnections: Pick<ConnectionService, 'assertMethodsUsable'>;
  refunds: RefundService;
  /** The shop's settings (its time zone: the days the order list's date filters name). */
  tenants: Pick<TenantService, 'get'>;
}
