// REST API keys. The secret is shown once at creation; only its SHA-256 hash is stored (a 192-bit random
// secret needs no slow hash: it cannot be guessed, and a fast lookup by hash keeps every request cheap).
// Creating and revoking a key are recorded in the audit log, in the same transaction, with who did it.
// Each key has an access level (api-key-access.ts), given at creation and never changed.
import type { ApiKey } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import { randomToken, sha256Hex } from '../../platform/crypto.js';
import { withTransaction, type Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { TenantContext } from '../shared/actor.js';
import { parseApiKeyAccess, type ApiKeyAccess } from './api-key-access.js';

/** Public prefix of every secret: recognisable in logs and by secret scanners. */
export const API_KEY_PREFIX = 'll_live_';
/** Characters of the secret kept in clear as `prefix` (to tell keys apart in a list). */
const SHOWN_CHARS = API_KEY_PREFIX.length + 6;
/** lastUsedAt is written at most this often per key, so a busy key costs no write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;
const SECRET_SHAPE = /^ll_live_[A-Za-z0-9_-]{32}$/;

export interface ApiKeyPrincipal {
  tenantId: string;
  apiKeyId: string;
  name: string;
  /** What the key may do: the REST surface refuses a READ_ONLY key every request that is not a read. */
  access: ApiKeyAccess;
}

export type ApiKeyRecord = Omit<ApiKey, 'hash'>;

export interface ApiKeyService {
  /**
   * Creates a key for the tenant with the access level given (no default here: each surface asks whoever
   * creates the key). `key` is the secret: return it to the caller once, it is not recoverable.
   * VALIDATION_FAILED (name, access), NOT_FOUND (tenant). Audited as api_key.created with the level.
   */
  create(ctx: TenantContext, name: string, access: ApiKeyAccess): Promise<{ key: string; record: ApiKeyRecord }>;
  /** The tenant a secret belongs to. UNAUTHENTICATED for a malformed, unknown or revoked key. */
  authenticate(secret: string): Promise<ApiKeyPrincipal>;
  /** Revokes a key of the tenant (idempotent: audited once). NOT_FOUND when the key is not the tenant's. */
  revoke(ctx: TenantContext, apiKeyId: string): Promise<ApiKeyRecord>;
  list(tenantId: string): Promise<ApiKeyRecord[]>;
}

function publicRecord(k: ApiKey): ApiKeyRecord {
  const { hash: _hash, ...rest } = k;
  return rest;
}

export function createApiKeyService(deps: { db: Db; clock: Clock; audit: AuditService }): ApiKeyService {
  const { db, clock, audit } = deps;
  const unauthenticated = () => new AppError('UNAUTHENTICATED', 'Invalid or revoked API key. Send "Authorization: Bearer <api key>".');

  return {
    async create(ctx, name, access) {
      const { tenantId } = ctx;
      const label = String(name ?? '').trim();
      if (!label || label.length > 100) throw new AppError('VALIDATION_FAILED', 'An API key needs a name of 1 to 100 characters.');
      const level = parseApiKeyAccess(access);
      const key = `${API_KEY_PREFIX}${randomToken(24)}`;
      const record = await withTransaction(db, async (tx) => {
        const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
        if (!tenant) throw new AppError('NOT_FOUND', `Tenant ${tenantId} not found.`);
        const created = await tx.apiKey.create({
          data: { tenantId, name: label, prefix: key.slice(0, SHOWN_CHARS), hash: sha256Hex(key), access: level },
        });
        await audit.record(tx, ctx, {
          action: 'api_key.created',
          entityType: 'ApiKey',
          entityId: created.id,
          after: { name: created.name, prefix: created.prefix, access: created.access },
        });
        return created;
      });
      return { key, record: publicRecord(record) };
    },

    async authenticate(secret) {
      // The shape check turns garbage away without a database round trip.
      if (!SECRET_SHAPE.test(secret)) throw unauthenticated();
      const key = await db.apiKey.findUnique({ where: { hash: sha256Hex(secret) } });
      if (!key || key.revokedAt) throw unauthenticated();
      const now = clock.now();
      if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
        // Conditional, so concurrent requests write once; no transaction needed for a best-effort timestamp.
        await db.apiKey.updateMany({
          where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] },
          data: { lastUsedAt: now },
        });
      }
      return { tenantId: key.tenantId, apiKeyId: key.id, name: key.name, access: key.access };
    },

    async revoke(ctx, apiKeyId) {
      const { tenantId } = ctx;
      const key = await withTransaction(db, async (tx) => {
        // Compare-and-set: of two concurrent revokes, one changes the row and is audited.
        const changed = await tx.apiKey.updateMany({
          where: { id: apiKeyId, tenantId, revokedAt: null },
          data: { revokedAt: clock.now() },
        });
        const row = await tx.apiKey.findFirst({ where: { id: apiKeyId, tenantId } });
        if (!row) throw new AppError('NOT_FOUND', `API key ${apiKeyId} not found.`);
        if (changed.count === 1) {
          await audit.record(tx, ctx, {
            action: 'api_key.revoked',
            entityType: 'ApiKey',
            entityId: row.id,
            after: { name: row.name, prefix: row.prefix, access: row.access, revokedAt: row.revokedAt },
          });
        }
        return row;
      });
      return publicRecord(key);
    },

    async list(tenantId) {
      const keys = await db.apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: 'desc' } });
      return keys.map(publicRecord);
    },
  };
}
