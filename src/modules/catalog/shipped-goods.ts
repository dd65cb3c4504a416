// Whether a product is goods to ship: neither a digital item (digitalKind: a licence key or a download link,
// delivered on payment by entitlements/digital-goods.ts) nor a role (grantedRoleIds, granted on payment).
// One rule, as a pair: the SQL over a product row and the check on a product read. The order flow's
// digital-only shipping types (checkout/selection-rules.ts shipping.digitalOnly) and the dashboard's "shipping
// types for shipped goods" (tenants/shop-readiness.query.ts) both ask it.
import { Prisma } from '../../platform/db/prisma.js';

/** The product's columns the rule reads. */
export interface ShippingFacts {
  digitalKind: string | null;
  grantedRoleIds: readonly string[];
}

/** True when the product is goods to ship. */
export function isShippedGoods(p: ShippingFacts): boolean {
  return p.digitalKind === null && p.grantedRoleIds.length === 0;
}

/** The same rule as a boolean SQL expression over the product row aliased `alias`. */
export function shippedGoodsSql(alias: string): Prisma.Sql {
  const p = Prisma.raw(`"${alias}"`);
  return Prisma.sql`(${p}."digitalKind" IS NULL AND cardinality(${p}."grantedRoleIds") = 0)`;
}
