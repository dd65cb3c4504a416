// Start-up data migration for secrets at rest: encrypts TaxJar keys stored in plaintext (written before
// encryption existed) and re-encrypts values under an older key id with the current key (rotation, in passes
// on several instances: docs/decisions/operating.md). Idempotent:
// a second run finds nothing to do. Each row is rewritten only if it still holds the value read
// (compare-and-set), so a concurrent save from the panel is never overwritten.
import type { Db } from '../../platform/db/prisma.js';
import type { SecretBox } from '../../platform/secret-box.js';

export interface SecretsMigrationResult {
  taxjarKeys: number;
  connections: number;
}

/**
 * Secrets the keyring cannot read (a key id missing from SECRETS_ENCRYPTION_KEYS, or a damaged value), named by
 * shop, so an operator knows where to look. The service does not start with any: every shop is checked first,
 * and the others are still re-encrypted.
 */
export class UnreadableSecretsError extends Error {
  constructor(readonly unreadable: string[]) {
    super(
      `${unreadable.length} stored secret${unreadable.length === 1 ? '' : 's'} cannot be decrypted with SECRETS_ENCRYPTION_KEYS:\n` +
        unreadable.map((u) => `  - ${u}`).join('\n') +
        '\nPut the missing key back in SECRETS_ENCRYPTION_KEYS (after the current one), or clear those secrets so the shop enters them again.',
    );
    this.name = 'UnreadableSecretsError';
  }
}

export async function migrateSecretsAtRest(db: Db, box: SecretBox): Promise<SecretsMigrationResult> {
  const result: SecretsMigrationResult = { taxjarKeys: 0, connections: 0 };
  const unreadable: string[] = [];
  const stale = (value: string) => box.keyIdOf(value) !== box.currentKeyId;
  const readable = (stored: string, what: string): string | undefined => {
    if (!box.isEncrypted(stored)) return stored;
    try {
      return box.decrypt(stored);
    } catch (err) {
      unreadable.push(`${what}: ${(err as Error).message.replace(/^A stored secret cannot be decrypted \((.*)\)\..*$/s, '$1')}`);
      return undefined;
    }
  };

  const tenants = await db.tenant.findMany({
    where: { taxjarApiKey: { not: null } },
    select: { id: true, name: true, taxjarApiKey: true },
  });
  for (const t of tenants) {
    const stored = t.taxjarApiKey!;
    if (!stale(stored)) continue;
    const plain = readable(stored, `shop "${t.name}" (${t.id}): its TaxJar API key`);
    if (plain === undefined) continue;
    const { count } = await db.tenant.updateMany({ where: { id: t.id, taxjarApiKey: stored }, data: { taxjarApiKey: box.encrypt(plain) } });
    result.taxjarKeys += count;
  }

  const connections = await db.paymentConnection.findMany({
    where: { secrets: { not: null } },
    select: { id: true, provider: true, secrets: true, tenant: { select: { id: true, name: true } } },
  });
  for (const c of connections) {
    const stored = c.secrets!;
    if (!stale(stored)) continue;
    const plain = readable(stored, `shop "${c.tenant.name}" (${c.tenant.id}): its ${c.provider} connection (${c.id})`);
    if (plain === undefined) continue;
    const { count } = await db.paymentConnection.updateMany({
      where: { id: c.id, secrets: stored },
      data: { secrets: box.encrypt(plain) },
    });
    result.connections += count;
  }
  if (unreadable.length > 0) throw new UnreadableSecretsError(unreadable);
  return result;
}
