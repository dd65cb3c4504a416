// A shop's catalog with one of each thing "Change currency" reprices (modules/tenants/change-shop-currency.ts), and
// things it does not: an active product (Mug), an inactive one (Old), a priced shipping type (Post) and a free one
// (Pickup), a fixed-amount discount with a minimum subtotal (Fiver) and a percent one (Ten). For the domain test, the
// REST API's and the panel's (who may use the step), which check the same list from their sides.
import type { factories } from './factories.js';

export async function pricedCatalog(f: ReturnType<typeof factories>, tenantId: string) {
  const mug = await f.product({ tenantId, sku: 'MUG', name: 'Mug', unitPriceCents: 1250 });
  const old = await f.product({ tenantId, sku: 'OLD', name: 'Old', unitPriceCents: 900, active: false });
  const post = await f.shippingType({ tenantId, name: 'Post', priceCents: 495 });
  const pickup = await f.shippingType({ tenantId, name: 'Pickup', priceCents: 0 });
  const fiver = await f.discount({
    tenantId,
    name: 'Fiver',
    type: 'FIXED_AMOUNT',
    percentOff: null,
    amountOffCents: 500,
    minSubtotalCents: 3000,
  });
  const tenPct = await f.discount({ tenantId, name: 'Ten', type: 'PERCENT', percentOff: 10 });
  return { mug, old, post, pickup, fiver, tenPct };
}
