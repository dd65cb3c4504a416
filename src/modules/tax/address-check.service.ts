// services.addressCheck: the order flow asks it for a corrected address before saving a new one.
// It takes the shop as the caller already holds it (the Discord surface's tenant cache): reading the tenant
// again through Prisma on each address step was most of the Prisma CPU left on the interaction path
// (docs/perf/interaction-profile.md).
import { parseInput } from '../../platform/validate.js';
import { addressInputSchema, type AddressInput } from '../customers/address.schema.js';
import type { TaxPort, TaxTenant } from './tax.port.js';

export interface AddressCheckService {
  /** { suggested: null } when the address matches, validation is off for the tenant, or the provider failed. */
  validate(tenant: TaxTenant, address: AddressInput): Promise<{ suggested: AddressInput | null }>;
}

export function createAddressCheckService(deps: { tax: TaxPort }): AddressCheckService {
  return {
    async validate(tenant, address) {
      const input = parseInput(addressInputSchema, address, 'address');
      return { suggested: await deps.tax.validateAddress(tenant, input) };
    },
  };
}
