// Products and shipping types as the admin panel writes them.
import { z } from 'zod';
import { currencyCode, formBool, formInt, formOptionalInt, formOptionalText, formText, snowflakeList } from './form-fields.js';

export const productForm = z.object({
  sku: formText(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore'),
  name: formText(200),
  description: formOptionalText(2000),
  unitPriceCents: formInt(0, 100_000_000),
  currency: currencyCode,
  active: formBool,
  requiredRoleIds: snowflakeList,
  grantedRoleIds: snowflakeList,
  /** Days the granted roles last; empty: for good (entitlements' timed access). */
  accessDays: formOptionalInt(1, 3650),
  /** Digital goods (entitlements): a licence key per unit, or a download link. */
  digitalKind: z.preprocess((v) => (v === '' || v === undefined ? null : v), z.enum(['LICENSE_KEY', 'DOWNLOAD_LINK']).nullable()),
  downloadUrl: formOptionalText(2000).refine((v) => v === null || /^https?:\/\//.test(v), 'a link starting with https:// or http://'),
  /** TaxJar product tax code (five digits, e.g. 31000 digital goods, 20010 clothing); empty: fully taxable. */
  taxCode: formOptionalText(20).refine(
    (v) => v === null || /^[0-9]{5}$/.test(v),
    'a TaxJar product tax code: five digits, e.g. 31000 (digital goods) or 20010 (clothing)',
  ),
  trackStock: formBool,
  stock: formInt(0, 10_000_000),
  sortOrder: formInt(-10_000, 10_000),
});

export const shippingTypeForm = z.object({
  name: formText(100),
  priceCents: formInt(0, 10_000_000),
  active: formBool,
  sortOrder: formInt(-10_000, 10_000),
});
