// Session steps: the shipping address (a saved one, a new one, or a validation suggestion accepted or declined).
import { z } from 'zod';
import { Prisma } from '../../../../platform/db/prisma.js';
import { AppError } from '../../../../platform/errors.js';
import { parseInput } from '../../../../platform/validate.js';
import { addressInputSchema, type AddressInput } from '../../../customers/address.schema.js';
import { exactSavedAddressSql, refreshNameSql, useAddressSql, type SavedAddress } from '../../../customers/address.store.js';
import { toSessionView, type LoadedSession } from '../session-store.js';
import type { OrderSessionService } from '../order-session.api.js';
import { HAS_ITEMS, requireItems, type Patch, type StepContext } from '../step-runner.js';

const setAddressSchema = z.union([
  z.object({ addressId: z.string().min(1).max(64) }),
  z.object({ address: addressInputSchema, nameFromDiscord: z.boolean().optional() }),
]);
const pendingAddressSchema = z.object({ original: addressInputSchema, suggested: addressInputSchema });

export function createAddressSteps(
  ctx: StepContext,
): Pick<OrderSessionService, 'setAddress' | 'setPendingAddress' | 'acceptCorrectedAddress' | 'keepOriginalAddress'> {
  const { clock, step, fastStep } = ctx;

  /**
   * The address steps: the customer's saved addresses come with the session (step's `savedAddresses`), and
   * marking one used or saving a new one is part of the session's write (address.store.ts), with the same
   * rules as customers.useSavedAddress / saveAddress (NOT_FOUND for an address not the customer's).
   */
  async function useAddress(
    s: LoadedSession & { extra?: SavedAddress[] },
    input: { addressId: string } | { address: AddressInput; nameFromDiscord?: boolean },
  ): Promise<{ patch: Patch; address: Prisma.Sql }> {
    const address = useAddressSql(s.tenantId, s.customerId, s.extra ?? [], input, clock.now());
    return { patch: { pendingAddress: null }, address };
  }

  return {
    async setAddress(tenantId, customerId, input) {
      const parsed = parseInput(setAddressSchema, input, 'address');
      if ('address' in parsed) {
        // Fast path, for an address the customer saved before with exactly these fields (the usual repeat
        // order): items present; the session takes it and it is marked used (name refreshed when given), in
        // one statement. Anything else (a new address, one differing in case or spacing) goes the long way.
        const a = parsed.address;
        const fromDiscord = parsed.nameFromDiscord ?? false;
        const same = exactSavedAddressSql(tenantId, customerId, a);
        const fast = await fastStep<string | null>(tenantId, customerId, {
          guard: Prisma.sql`${HAS_ITEMS} AND EXISTS (SELECT 1 FROM addresses a WHERE ${same})`,
          // SET sees the row before the write: with items and now an address, only the payment method decides.
          set: Prisma.sql`state = (CASE WHEN s."paymentMethod" IS NULL THEN 'SELECTING_PAYMENT' ELSE 'READY_TO_SUBMIT' END)::"OrderSessionState",
            "addressId" = (SELECT a.id FROM addresses a WHERE ${same} ORDER BY a.id LIMIT 1), "pendingAddress" = NULL`,
          ctes: Prisma.sql`, used AS (
              UPDATE addresses SET "lastUsedAt" = ${clock.now()}, ${refreshNameSql(a.name, fromDiscord)}
              WHERE id = (SELECT "addressId" FROM cas) RETURNING name)`,
          extra: Prisma.sql`(SELECT name FROM used)`,
        });
        if (fast?.address) {
          // The view's address row was read before the name refresh in the same statement: the refreshed name.
          return toSessionView({ ...fast, address: { ...fast.address, name: fast.extra ?? fast.address.name } });
        }
        if (fast) return toSessionView(fast);
      }
      return step(
        tenantId,
        customerId,
        async (s) => {
          requireItems(s, 'the shipping address');
          return useAddress(s, parsed);
        },
        { savedAddresses: true },
      );
    },

    async setPendingAddress(tenantId, customerId, input) {
      const pending = parseInput(pendingAddressSchema, input, 'address');
      return step(tenantId, customerId, async (s) => {
        requireItems(s, 'the shipping address');
        return { patch: { pendingAddress: pending } };
      });
    },

    async acceptCorrectedAddress(tenantId, customerId) {
      return step(
        tenantId,
        customerId,
        async (s) => {
          const pending = pendingAddressSchema.safeParse(s.pendingAddress);
          if (!pending.success)
            throw new AppError('ILLEGAL_STATE', 'There is no suggested address to accept: enter your address again.', {
              pendingAddress: 'none',
            });
          return useAddress(s, { address: pending.data.suggested });
        },
        { savedAddresses: true },
      );
    },

    async keepOriginalAddress(tenantId, customerId) {
      return step(
        tenantId,
        customerId,
        async (s) => {
          const pending = pendingAddressSchema.safeParse(s.pendingAddress);
          if (!pending.success)
            throw new AppError('ILLEGAL_STATE', 'There is no address waiting for confirmation: enter your address again.', {
              pendingAddress: 'none',
            });
          return useAddress(s, { address: pending.data.original });
        },
        { savedAddresses: true },
      );
    },
  };
}
