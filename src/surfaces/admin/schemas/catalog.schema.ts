// Products and shipping types as the admin panel writes them. Prices are typed in the currency's major units
// ("24.50") into the form's `price` field and stored as cents (form-fields.ts moneyField).
import { z } from 'zod';
import { REPRICED_BOUNDS } from '../../../modules/tenants/change-shop-currency.js';
import { SKU_CHARACTERS, SKU_MAX_LENGTH, SKU_PATTERN } from '../../../modules/catalog/sku.js';
import { currencyCode, formBool, formInt, formMoney, formOptionalInt, formOptionalText, formText, snowflakeList } from './form-fields.js';

/** `currency`: the product's own, typed in the same form (the price is read in it). */
export const productForm = (currency: string) =>
  z
    .object({
      sku: formText(SKU_MAX_LENGTH).regex(SKU_PATTERN, SKU_CHARACTERS),
      name: formText(200),
      description: formOptionalText(2000),
      price: formMoney(currency, REPRICED_BOUNDS.unitPriceCents.max),
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
    })
    .transform(({ price, ...product }) => ({ ...product, unitPriceCents: price as number }));

/** `currency`: the shop's, which shipping is charged in. */
export const shippingTypeForm = (currency: string) =>
  z
    .object({
      name: formText(100),
      price: formMoney(currency, REPRICED_BOUNDS.priceCents.max),
      active: formBool,
      /** Offered only for orders whose every item is digital (checkout/selection-rules.ts shipping.digitalOnly). */
      digitalOnly: formBool,
      sortOrder: formInt(-10_000, 10_000),
    })
    .transform(({ price, ...rest }) => ({ ...rest, priceCents: price }));
