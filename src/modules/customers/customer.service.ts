// Customers are Discord members of a tenant's guild, created on first contact; their saved addresses are
// offered again in the order flow (most recently used first).
import type { Address, Customer } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import { Prisma, type Db, type Tx } from '../../platform/db/prisma.js';
import { queryRows, type SqlRunner } from '../../platform/db/sql.js';
import { AppError, notFound } from '../../platform/errors.js';
import { sameAddress, toAddressInput, type AddressInput } from './address.schema.js';
import { assertOfferable, assertRecipientNamed, offerableAddresses, refreshNameSql, SAVED_ADDRESS_ORDER } from './address.store.js';
import { DISCORD_CUSTOMER_CTE, discordCustomerCtes, type DiscordProfile } from './discord-customer.sql.js';
import { createAuditService, type AuditService } from '../audit/audit.service.js';
import type { TenantContext } from '../shared/actor.js';
import { eraseCustomer, type ErasureResult } from './erase-customer.js';
import type { EventBus } from '../../platform/jobs/queue.js';

/** The customer row's timestamp columns (for a row read back as JSON: platform/db/sql.ts withUtcDates). */
export const CUSTOMER_DATE_FIELDS = ['displayNameSetByAdminAt', 'dmClosedAt', 'createdAt', 'updatedAt'] as const;

export interface CustomerService {
  /**
   * Creates the customer on first contact; refreshes username when given, and displayName when given unless
   * an admin set it in the panel (displayNameSetByAdminAt); writes nothing when neither changed
   * (discord-customer.sql.ts).
   */
  upsertFromDiscord(tenantId: string, profile: DiscordProfile): Promise<Customer>;
  /** Throws NOT_FOUND when the customer is not the tenant's. */
  get(tenantId: string, customerId: string): Promise<Customer>;
  /** Saved addresses, most recently used first. */
  listAddresses(tenantId: string, customerId: string): Promise<Address[]>;
  /**
   * On the client or transaction given: returns the customer's saved address equal to `input` (same place),
   * or saves a new one; either way marks it used now.
   */
  saveAddress(tx: Db | Tx, tenantId: string, customerId: string, input: AddressInput): Promise<Address>;
  /** On the client or transaction given: the saved address if it is this customer's (NOT_FOUND otherwise), marked used now. */
  useSavedAddress(tx: Db | Tx, tenantId: string, customerId: string, addressId: string): Promise<Address>;
  /**
   * Erases the customer's personal data and keeps the shop's books, in one transaction under the customer's lock
   * (erase-customer.ts; docs/decisions/personal-data.md). NOT_FOUND when not the tenant's customer; CONFLICT,
   * naming the order, while an order still needs the address. Audit: customer.erased, without the values.
   */
  erase(ctx: TenantContext, customerId: string): Promise<ErasureResult>;
}

/**
 * `sql` (the plain-SQL client) serves upsertFromDiscord and the saved-address list when given (no Prisma query
 * compiler on the interaction path; see catalog.service.ts). A customer's click resolves its customer inside the
 * interaction claim instead (surfaces/discord/interaction-dedup.ts, with discord-customer.sql.ts).
 */
export function createCustomerService(deps: {
  db: Db;
  sql?: SqlRunner;
  clock: Clock;
  audit?: AuditService;
  /** Carries the erasure's edits of the admin-channel messages (erase-customer.ts). */
  bus: EventBus;
}): CustomerService {
  const { db, clock } = deps;
  const audit = deps.audit ?? createAuditService({ db });
  const target = deps.sql ?? db;
  return {
    async upsertFromDiscord(tenantId, profile) {
      // One statement (discord-customer.sql.ts): first contact twice at once makes one customer, and a
      // customer whose Discord names did not change is only read.
      const [row] = await queryRows<Customer>(
        target,
        Prisma.sql`WITH ${discordCustomerCtes(tenantId, profile, clock.now())} SELECT * FROM ${DISCORD_CUSTOMER_CTE}`,
      );
      return row!;
    },
    async get(tenantId, customerId) {
      const c = await db.customer.findFirst({ where: { id: customerId, tenantId } });
      if (!c) throw notFound('Customer', customerId, { customerId });
      return c;
    },
    async listAddresses(tenantId, customerId) {
      const saved = await queryRows<Address>(
        target,
        Prisma.sql`
        SELECT * FROM addresses a WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} ORDER BY ${SAVED_ADDRESS_ORDER}`,
      );
      return offerableAddresses(saved);
    },
    async saveAddress(tx, tenantId, customerId, input) {
      const now = clock.now();
      // Raw SQL: this runs inside every address step of the order flow (see bench:orders).
      const saved = await tx.$queryRaw<Address[]>`SELECT * FROM addresses WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId}`;
      const existing = saved.find((a) => sameAddress(toAddressInput(a), input));
      if (existing) {
        const rows = await tx.$queryRaw<Address[]>`
          UPDATE addresses SET "lastUsedAt" = ${now}, ${refreshNameSql(input.name, false)}
          WHERE id = ${existing.id} RETURNING *`;
        return rows[0]!;
      }
      const rows = await tx.$queryRaw<Address[]>`
        INSERT INTO addresses ("tenantId", "customerId", name, "nameTyped", line1, line2, city, state, "postalCode", country, "lastUsedAt", "createdAt")
        VALUES (${tenantId}, ${customerId}, ${input.name ?? null}, ${input.name != null}, ${input.line1}, ${input.line2 ?? null}, ${input.city},
          ${input.state ?? null}, ${input.postalCode}, ${input.country}, ${now}, ${now})
        RETURNING *`;
      return rows[0]!;
    },
    async useSavedAddress(tx, tenantId, customerId, addressId) {
      const rows = await tx.$queryRaw<Address[]>`
        UPDATE addresses SET "lastUsedAt" = ${clock.now()}
        WHERE id = ${addressId} AND "tenantId" = ${tenantId} AND "customerId" = ${customerId} RETURNING *`;
      if (!rows[0]) throw new AppError('NOT_FOUND', 'That saved address was not found');
      assertOfferable(rows[0]);
      assertRecipientNamed(rows[0]);
      return rows[0];
    },
    erase(ctx, customerId) {
      return eraseCustomer({ db, clock, audit, bus: deps.bus }, ctx, customerId);
    },
  };
}
