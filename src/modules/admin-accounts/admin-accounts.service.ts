// Admin accounts and shops as an operator makes them (npm run admin:create / shop:create /
// admin:password-reset) and as an admin changes their own password in the panel. A password set here ends
// the account's other panel sessions, so a reset after a leak actually locks the old holder out.
import { z } from 'zod';
import type { AdminRole } from '../../generated/prisma/index.js';
import { hashPassword, randomToken, verifyPassword } from '../../platform/crypto.js';
import { withTransaction, type Db, type Tx } from '../../platform/db/prisma.js';
import { currencyCode } from '../../platform/currency-code.js';
import { AppError } from '../../platform/errors.js';
import { isShopTimeZone, SHOP_TIME_ZONE_MESSAGE } from '../../platform/time-format.js';

export const MIN_ADMIN_PASSWORD_LENGTH = 12;

const email = z.string().trim().toLowerCase().pipe(z.email());
/** The one rule for an admin's password: the operator's reset, Change password and the panel's Admin users form. */
export const adminPassword = z.string().min(MIN_ADMIN_PASSWORD_LENGTH, `at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`).max(200);
const password = adminPassword;
const shopInput = z.object({
  name: z.string().trim().min(1).max(100),
  guildId: z.string().regex(/^\d{17,20}$/, 'a Discord server id (17 to 20 digits)'),
  guildName: z.string().trim().min(1).max(100).optional(),
  /** The panel's and the REST API's rule: any case, an ISO 4217 code. */
  currency: currencyCode.default('USD'),
  /** The shop's days (dashboard, exports, tax report): Settings' rule (a region name or UTC, no abbreviation); left out, UTC. */
  timeZone: z.string().trim().max(64).refine(isShopTimeZone, SHOP_TIME_ZONE_MESSAGE).default('UTC'),
});

export interface AdminAccount {
  id: string;
  email: string;
  role: AdminRole;
  tenantId: string | null;
}

/** A password an operator can read out once: 144 random bits, URL-safe. */
export function generatePassword(): string {
  return randomToken(18);
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError('VALIDATION_FAILED', `${what}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

export const LAST_SHOP_ADMIN_MESSAGE = 'A shop needs at least one shop admin: make another person shop admin first.';

/**
 * A shop keeps at least one shop admin: the people who can change its settings, payments and people. Called
 * in the transaction of a write that takes the role away (a change of role, a deletion), after that write;
 * throws CONFLICT to undo it. The shop's row is locked first, so two such writes at once are decided one after
 * the other and the second sees the first (two shop admins demoting each other cannot leave none).
 */
export async function assertShopKeepsAnAdmin(tx: Tx, tenantId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM tenants WHERE id = ${tenantId} FOR NO KEY UPDATE`;
  const admins = await tx.adminUser.count({ where: { tenantId, role: 'TENANT_ADMIN' } });
  if (admins === 0) throw new AppError('CONFLICT', LAST_SHOP_ADMIN_MESSAGE);
}

/**
 * Ends the admin's panel sessions (all, or all but `keepSid`); in the caller's transaction when given one (the
 * panel's Admin users form, whose save of a new password and this are one transaction).
 */
export async function endSessions(db: Db | Tx, adminId: string, keepSid?: string): Promise<number> {
  return db.$executeRaw`DELETE FROM admin_sessions WHERE sess->'adminUser'->>'id' = ${adminId} AND sid IS DISTINCT FROM ${keepSid ?? null}`;
}

export function createAdminAccountsService(deps: { db: Db }) {
  const { db } = deps;
  return {
    /**
     * The one tenant whose id is `ref` or whose name is `ref` in any case ("my shop" finds My Shop); NOT_FOUND, or
     * CONFLICT naming every match (name and id) when several match: never one picked silently.
     */
    async findShop(ref: string): Promise<{ id: string; name: string }> {
      const matches = await db.tenant.findMany({
        where: { OR: [{ id: ref }, { name: { equals: ref, mode: 'insensitive' } }] },
        select: { id: true, name: true },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      });
      if (matches.length === 0) throw new AppError('NOT_FOUND', `no shop has the id or name "${ref}"`);
      if (matches.length > 1)
        throw new AppError(
          'CONFLICT',
          `${matches.length} shops match "${ref}": ${matches.map((t) => `${t.name} (${t.id})`).join(', ')}; use the id of the one you mean`,
        );
      return matches[0]!;
    },

    /** A platform admin (no shop), or a shop admin / staff member of `tenantId`. */
    async createAdmin(input: { email: string; password: string; role: AdminRole; tenantId: string | null }): Promise<AdminAccount> {
      const address = parse(email, input.email, 'email');
      const secret = parse(password, input.password, 'password');
      if ((input.role === 'PLATFORM_ADMIN') !== (input.tenantId === null)) {
        throw new AppError('VALIDATION_FAILED', 'a platform admin belongs to no shop; every other admin belongs to one');
      }
      const passwordHash = await hashPassword(secret);
      return withTransaction(db, async (tx) => {
        if (await tx.adminUser.findUnique({ where: { email: address }, select: { id: true } })) {
          throw new AppError('CONFLICT', `an admin with the email ${address} already exists`);
        }
        return tx.adminUser.create({
          data: { email: address, passwordHash, role: input.role, tenantId: input.tenantId },
          select: { id: true, email: true, role: true, tenantId: true },
        });
      });
    },

    /** Sets a new password by email (operator reset) and signs the account out everywhere. */
    async resetPassword(input: { email: string; password: string }): Promise<AdminAccount & { sessionsEnded: number }> {
      const address = parse(email, input.email, 'email');
      const passwordHash = await hashPassword(parse(password, input.password, 'password'));
      const user = await db.adminUser.findUnique({
        where: { email: address },
        select: { id: true, email: true, role: true, tenantId: true },
      });
      if (!user) throw new AppError('NOT_FOUND', `no admin has the email ${address}`);
      await db.adminUser.update({ where: { id: user.id }, data: { passwordHash } });
      return { ...user, sessionsEnded: await endSessions(db, user.id) };
    },

    /** The signed-in admin changes their own password; their other sessions end, this one stays. */
    async changeOwnPassword(input: {
      adminId: string;
      currentPassword: string;
      newPassword: string;
      keepSessionId?: string;
    }): Promise<{ sessionsEnded: number }> {
      const user = await db.adminUser.findUnique({ where: { id: input.adminId }, select: { passwordHash: true } });
      if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
        throw new AppError('VALIDATION_FAILED', 'The current password is not correct.');
      }
      const next = parse(password, input.newPassword, 'New password');
      if (next === input.currentPassword) throw new AppError('VALIDATION_FAILED', 'The new password must differ from the current one.');
      await db.adminUser.update({ where: { id: input.adminId }, data: { passwordHash: await hashPassword(next) } });
      return { sessionsEnded: await endSessions(db, input.adminId, input.keepSessionId) };
    },

    /** A shop linked to a Discord server, in one transaction; CONFLICT when the server already has a shop. */
    async createShop(input: { name: string; guildId: string; guildName?: string; currency?: string; timeZone?: string }) {
      const shop = parse(shopInput, input, 'shop');
      return withTransaction(db, async (tx) => {
        const linked = await tx.guild.findUnique({
          where: { id: shop.guildId },
          include: { tenant: { select: { id: true, name: true } } },
        });
        if (linked)
          throw new AppError(
            'CONFLICT',
            `the Discord server ${shop.guildId} is already linked to the shop ${linked.tenant.name} (${linked.tenant.id})`,
          );
        const tenant = await tx.tenant.create({
          data: { name: shop.name, currency: shop.currency, timeZone: shop.timeZone },
          select: { id: true, name: true, currency: true, timeZone: true },
        });
        const guild = await tx.guild.create({
          data: { id: shop.guildId, name: shop.guildName ?? shop.name, tenantId: tenant.id },
          select: { id: true, name: true },
        });
        return { tenant, guild };
      });
    },
  };
}

export type AdminAccountsService = ReturnType<typeof createAdminAccountsService>;
