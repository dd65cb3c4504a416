// Start-up data migration for secrets at rest: encrypts TaxJar keys stored in plaintext (written before
// encryption existed) and re-encrypts values under an older key id with the current key (rotation: put the
// new key first in SECRETS_ENCRYPTION_KEYS, restart, then drop the old key once this has run). Idempotent:
// a second run finds nothing to do. Each row is rewritten only if it still holds the value read
// (compare-and-set), so a concurrent save from the panel is never overwritten.
import type { Db } from '../../platform/db/prisma.js';
import type { SecretBox } from '../../platform/secret-box.js';

export interface SecretsMigrationResult {
  taxjarKeys: number;
  connections: number;
}

export async function migrateSecretsAtRest(db: Db, box: SecretBox): Promise<SecretsMigrationResult> {
  const result: SecretsMigrationResult = { taxjarKeys: 0, connections: 0 };
  const stale = (value: string) => box.keyIdOf(value) !== box.currentKeyId;

  const tenants = await db.tenant.findMany({ where: { taxjarApiKey: { not: null } }, select: { id: true, taxjarApiKey: true } });
  for (const t of tenants) {
    const stored = t.taxjarApiKey!;
    if (!stale(stored)) continue;
    const plain = box.isEncrypted(stored) ? box.decrypt(stored) : stored;
    const { count } = await db.tenant.updateMany({ where: { id: t.id, taxjarApiKey: stored }, data: { taxjarApiKey: box.encrypt(plain) } });
    result.taxjarKeys += count;
  }

  const connections = await db.paymentConnection.findMany({ where: { secrets: { not: null } }, select: { id: true, secrets: true } });
  for (const c of connections) {
    const stored = c.secrets!;
    if (!stale(stored)) continue;
    const plain = box.isEncrypted(stored) ? box.decrypt(stored) : stored;
    const { count } = await db.paymentConnection.updateMany({
      where: { id: c.id, secrets: stored },
      data: { secrets: box.encrypt(plain) },
    });
    result.connections += count;
  }
  return result;
}
