// A reference picked in a form (a customer, a discount, a tenant) must belong to the admin's own tenant:
// the picker only offers those, but a crafted request could name any id, so it is checked on the server.
import { ValidationError } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';

type Owned = 'customer' | 'discount';

export async function assertOwnedReference(db: Db, tenantId: string, model: Owned, id: unknown, field: string): Promise<void> {
  const where = { id: String(id), tenantId };
  const found = model === 'customer' ? await db.customer.count({ where }) : await db.discount.count({ where });
  if (found === 0) throw new ValidationError({ [field]: { message: `No such ${model} in your shop.` } });
}
