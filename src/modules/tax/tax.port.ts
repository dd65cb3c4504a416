// Sales tax and address validation, behind a port so the order services never know which provider
// answers (TaxJar in production, the local fake in tests and development).
import type { Tenant } from '../../generated/prisma/index.js';
import type { AddressInput } from '../customers/address.schema.js';

export interface TaxLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
  /** This line's share of the order discount (whole cents). */
  discountCents: number;
  /** TaxJar product tax code (31000 digital goods, 20010 clothing ...); absent: general goods. */
  productTaxCode?: string;
}

export interface TaxRequest {
  to: AddressInput;
  lines: TaxLine[];
  shippingCents: number;
  /** Items total after discount, excluding shipping. */
  amountCents: number;
}

/** `currency`: TaxJar taxes US dollars only (taxjar-money.ts). */
export type TaxTenant = Pick<Tenant, 'id' | 'currency' | 'taxjarEnabled' | 'taxjarApiKey' | 'taxjarFromAddress' | 'addressValidation'>;

export interface TaxPort {
  /**
   * Sales tax to collect, in whole cents. 0 for tenants without tax calculation (taxjarEnabled off or no
   * key). Throws TAX_SERVICE_UNAVAILABLE when the provider is slow (timeout), down or refuses the key:
   * the caller must not charge 0 tax silently to a tenant who enabled it.
   */
  taxForOrder(tenant: TaxTenant, req: TaxRequest): Promise<number>;
  /**
   * A corrected address, or null when the address matches, the tenant has addressValidation off, or
   * validation could not be done (failures are logged and treated as "no suggestion").
   */
  validateAddress(tenant: TaxTenant, address: AddressInput): Promise<AddressInput | null>;
}
