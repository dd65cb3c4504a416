// npm run apikey:create -- --tenant <tenant id or exact name> --name <label>
// Creates a REST API key for the tenant and prints the secret once (only its hash is stored).
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { createApiKeyService } from '../src/modules/api-keys/api-key.service.js';
import { createAuditService } from '../src/modules/audit/audit.service.js';
import { systemActor } from '../src/modules/shared/actor.js';
import { systemClock } from '../src/platform/clock.js';
import { createPrisma } from '../src/platform/db/prisma.js';
import { withScriptDatabase } from './lib/script-database.js';

const usage = 'Usage: npm run apikey:create -- --tenant <tenant id or name> --name <label>';
let args: { tenant?: string; name?: string };
try {
  args = parseArgs({ options: { tenant: { type: 'string' }, name: { type: 'string' } } }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
if (!args.tenant || !args.name) {
  console.error(usage);
  process.exit(2);
}
const { tenant: tenantRef, name } = args as { tenant: string; name: string };

await withScriptDatabase(async (url) => {
  const db = createPrisma(url, 2);
  try {
    const matches = await db.tenant.findMany({ where: { OR: [{ id: tenantRef }, { name: tenantRef }] }, select: { id: true, name: true } });
    if (matches.length === 0) throw new Error(`no tenant has the id or name "${tenantRef}"`);
    if (matches.length > 1)
      throw new Error(`several tenants are named "${tenantRef}": use the id (${matches.map((t) => t.id).join(', ')})`);
    const tenant = matches[0]!;
    const apiKeys = createApiKeyService({ db, clock: systemClock, audit: createAuditService({ db }) });
    // Audited as the system (the panel records the admin who created a key instead).
    const { key, record } = await apiKeys.create({ tenantId: tenant.id, actor: systemActor }, name);
    console.log(`API key "${record.name}" created for ${tenant.name} (${tenant.id}), id ${record.id}.`);
    console.log('Secret (shown once, store it now):');
    console.log(`  ${key}`);
    console.log('Use it as: Authorization: Bearer <secret>');
  } finally {
    await db.$disconnect();
  }
});
