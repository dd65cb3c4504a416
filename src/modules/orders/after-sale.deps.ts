// What the after-sale use cases (payments, order admin, refunds) need. One `deps` object, built once by
// the composition root.
import type { Db } from '../../platform/db/prisma.js';
import type { Clock } from '../../platform/clock.js';
import type { EventBus } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import type { DiscountService } from '../discounts/discount.service.js';
import type { EntitlementService } from '../entitlements/entitlement.service.js';
import type { InventoryService } from '../inventory/inventory.service.js';

export interface ItemQuantity {
  productId: string;
  quantity: number;
}

export interface AfterSaleDeps {
  db: Db;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  audit: AuditService;
  entitlements: EntitlementService;
  inventory: InventoryService;
  /** Gives a cancelled (or deleted) unpaid order's discount use back. */
  discounts: DiscountService;
}
