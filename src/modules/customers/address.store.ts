// SQL pieces for the order flow's address step: the customer's saved addresses read together with the
// session, and "mark this saved address used / save this new one" as a CTE of the session's
// compare-and-set statement. The same rules as CustomerService.saveAddress / useSavedAddress (same place =
// sameAddress, the recipient name refreshed when given), in one round trip instead of three: round trips
// are the dominant cost of the order flow (see bench:orders).
import { Prisma } from '../../generated/prisma/index.js';
import { AppError } from '../../platform/errors.js';
import { isCountryCode, sameAddress, toAddressInput, type AddressInput } from './address.schema.js';

export interface SavedAddress {
  id: string;
  name: string | null;
  /** False when the name is the customer's Discord name or none (saved before the modal asked for it). */
  nameTyped: boolean;
  line1: string;
  line2: string | null;
  city: string;
  state: string | null;
  postalCode: string;
  country: string;
}

/**
 * The saved addresses a customer can still pick: those whose country is an ISO 3166-1 code. Addresses saved
 * before the country was checked (ZZ, UK) are not offered (they would be refused at checkout and by TaxJar);
 * the customer types the address again and it is saved anew.
 */
export function offerableAddresses<T extends { country: string }>(saved: readonly T[]): T[] {
  return saved.filter(isOfferable);
}

const isOfferable = (a: { country: string }): boolean => isCountryCode(a.country);

/** Refuses a picked saved address that is not offerable (a crafted pick: the menu does not show it), saying what to do. */
export function assertOfferable(a: { country: string }): void {
  if (isOfferable(a)) return;
  throw new AppError(
    'VALIDATION_FAILED',
    `That saved address has the country "${a.country}", which is not a country code: enter the address again with a two-letter country code, such as US, GB or DE.`,
  );
}

/**
 * Whether a saved address can be shipped to as it is: its recipient name is one the customer typed. An address
 * saved before the address modal asked for the name carries the customer's Discord name (or none), and so does
 * one from a modal opened before that or from /order-shipping's options without `name` (`nameTyped` false): it is
 * still offered, and picking it asks for the name first (the Discord flows open the address form filled with it).
 */
export function hasTypedRecipient(a: { name: string | null; nameTyped: boolean }): boolean {
  return a.nameTyped && !!a.name?.trim();
}

/** Refuses a picked saved address without a typed recipient name (hasTypedRecipient): details.reason 'recipientName'. */
export function assertRecipientNamed(a: { id: string; name: string | null; nameTyped: boolean }): void {
  if (hasTypedRecipient(a)) return;
  throw new AppError(
    'VALIDATION_FAILED',
    'That saved address has no recipient name: enter it again with the full name of who receives the parcel.',
    { reason: 'recipientName', addressId: a.id },
  );
}

/**
 * SET items for a saved address taken again at the same place with `name`: a typed name replaces the stored one
 * and marks it typed; a name filled in from Discord (`nameFromDiscord`) only replaces one that was not typed.
 */
export function refreshNameSql(name: string | undefined, nameFromDiscord: boolean): Prisma.Sql {
  return nameFromDiscord
    ? Prisma.sql`name = CASE WHEN "nameTyped" THEN name ELSE COALESCE(${name ?? null}, name) END`
    : Prisma.sql`name = COALESCE(${name ?? null}, name), "nameTyped" = "nameTyped" OR ${name != null}`;
}

/** The order saved addresses are offered in (over `addresses a`): the last used first, then the newest. */
export const SAVED_ADDRESS_ORDER = Prisma.sql`a."lastUsedAt" DESC, a."createdAt" DESC, a.id`;

/** A scalar subquery: the customer's saved addresses as a JSON array of SavedAddress, in SAVED_ADDRESS_ORDER. */
export function savedAddressesSql(tenantId: string, customerId: string): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
      'state', a.state, 'postalCode', a."postalCode", 'country', a.country, 'nameTyped', a."nameTyped") ORDER BY ${SAVED_ADDRESS_ORDER}) FROM addresses a
    WHERE a."tenantId" = ${tenantId} AND a."customerId" = ${customerId}), '[]'::json)`;
}

/**
 * The body of a CTE returning the one address row to use: `{addressId}` must be one of `saved` (NOT_FOUND
 * otherwise) and is marked used; `{address}` reuses the saved one at the same place (name refreshed when
 * given: refreshNameSql) or inserts a new one; `nameFromDiscord`: its name is the customer's Discord name, not typed. The caller must make its write depend on the CTE returning a row (an
 * address gone meanwhile makes it return none).
 */
export function useAddressSql(
  tenantId: string,
  customerId: string,
  saved: readonly SavedAddress[],
  input: { addressId: string } | { address: AddressInput; nameFromDiscord?: boolean },
  now: Date,
): Prisma.Sql {
  if ('addressId' in input) {
    const chosen = saved.find((a) => a.id === input.addressId);
    if (!chosen) throw new AppError('NOT_FOUND', 'That saved address was not found');
    assertOfferable(chosen);
    assertRecipientNamed(chosen);
    return Prisma.sql`UPDATE addresses SET "lastUsedAt" = ${now}
      WHERE id = ${input.addressId} AND "tenantId" = ${tenantId} AND "customerId" = ${customerId} RETURNING *`;
  }
  const a = input.address;
  const fromDiscord = input.nameFromDiscord ?? false;
  const existing = saved.find((s) => sameAddress(toAddressInput(s), a));
  if (existing) {
    return Prisma.sql`UPDATE addresses SET "lastUsedAt" = ${now}, ${refreshNameSql(a.name, fromDiscord)}
      WHERE id = ${existing.id} AND "tenantId" = ${tenantId} AND "customerId" = ${customerId} RETURNING *`;
  }
  return Prisma.sql`INSERT INTO addresses ("tenantId", "customerId", name, "nameTyped", line1, line2, city, state, "postalCode", country, "lastUsedAt", "createdAt")
    VALUES (${tenantId}, ${customerId}, ${a.name ?? null}, ${a.name != null && !fromDiscord}, ${a.line1}, ${a.line2 ?? null}, ${a.city},
      ${a.state ?? null}, ${a.postalCode}, ${a.country}, ${now}, ${now})
    RETURNING *`;
}

/**
 * A predicate over `a` (addresses): a saved address of the customer with exactly these fields. Exact
 * equality implies sameAddress, so a step may reuse such a row without the JS comparison; when there is
 * none (or only one differing in case or spacing), the caller must take the sameAddress path instead.
 */
export function exactSavedAddressSql(tenantId: string, customerId: string, input: AddressInput): Prisma.Sql {
  return Prisma.sql`a."tenantId" = ${tenantId} AND a."customerId" = ${customerId} AND a.line1 = ${input.line1}
    AND a.line2 IS NOT DISTINCT FROM ${input.line2 ?? null}::text AND a.city = ${input.city} AND a.state IS NOT DISTINCT FROM ${input.state ?? null}::text
    AND a."postalCode" = ${input.postalCode} AND a.country = ${input.country}`;
}
