// services.addressCheck: the order flow asks it for a corrected address before saving a new one.
import type { Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import { addressInputSchema, type AddressInput } from '../customers/address.schema.js';
import type { TaxPort } from './tax.port.js';

export interface AddressCheckService {
  /** { suggested: null } when the address matches, validation is off for the tenant, or the provider failed. */
  validate(tenantId: string, address: AddressInput): Promise<{ suggested: AddressInput | null }>;
}

export function createAddressCheckService(deps: { db: Db; tax: TaxPort }): AddressCheckService {
  return {
    async validate(tenantId, address) {
      const input = parseInput(addressInputSchema, address, 'address');
      const tenant = await deps.db.tenant.findUnique({ where: { id: tenantId } });
      if (!tenant) throw new AppError('NOT_FOUND', 'Shop not found');
      return { suggested: await deps.tax.validateAddress(tenant, input) };
    },
  };
}
