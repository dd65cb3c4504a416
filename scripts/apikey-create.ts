// npm run apikey:create -- --tenant <tenant id or exact name> --name <label> --access <read-only|read-write>
// Creates a REST API key for the tenant and prints the secret once (only its hash is stored). --access is
// required: the panel shows its choice preselected ("Read only"), a shell has nowhere to show one, and an
// operator's script that made full keys should neither silently start making read-only ones (refused at
// their first write, far from the cause) nor keep making full ones nobody chose (docs/decisions/rest-api.md).
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { API_KEY_ACCESS_LABELS, type ApiKeyAccess } from '../src/modules/api-keys/api-key-access.js';
import { createApiKeyService } from '../src/modules/api-keys/api-key.service.js';
import { createAuditService } from '../src/modules/audit/audit.service.js';
import { systemActor } from '../src/modules/shared/actor.js';
import { systemClock } from '../src/platform/clock.js';
import { createPrisma } from '../src/platform/db/prisma.js';
import { withScriptDatabase } from './lib/script-database.js';

const usage = [
  'Usage: npm run apikey:create -- --tenant <tenant id or name> --name <label> --access <read-only|read-write>',
  '  --access read-only    GET requests only: reads orders, products and exports, changes nothing',
  "  --access read-write   every request: a shop admin's power (update orders, confirm payments, refund...)",
].join('\n');
const ACCESS_FLAGS: Record<string, ApiKeyAccess> = { 'read-only': 'READ_ONLY', 'read-write': 'READ_WRITE' };
let args: { tenant?: string; name?: string; access?: string };
try {
  args = parseArgs({ options: { tenant: { type: 'string' }, name: { type: 'string' }, access: { type: 'string' } } }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
if (!args.tenant || !args.name) {
  console.error(usage);
  process.exit(2);
}
const access = args.access === undefined ? undefined : ACCESS_FLAGS[args.access];
if (!access) {
  console.error(
    args.access === undefined
      ? `Say what the key may do with --access read-only or --access read-write.\n${usage}`
      : `--access must be read-only or read-write, not "${args.access}".\n${usage}`,
  );
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
    const { key, record } = await apiKeys.create({ tenantId: tenant.id, actor: systemActor }, name, access);
    console.log(`API key "${record.name}" created for ${tenant.name} (${tenant.id}), id ${record.id}.`);
    console.log(
      record.access === 'READ_ONLY'
        ? `Access: ${API_KEY_ACCESS_LABELS.READ_ONLY} (GET requests only; anything else is refused with 403 API_KEY_READ_ONLY).`
        : `Access: ${API_KEY_ACCESS_LABELS.READ_WRITE} (every request, including refunds).`,
    );
    console.log('Secret (shown once, store it now):');
    console.log(`  ${key}`);
    console.log('Use it as: Authorization: Bearer <secret>');
  } finally {
    await db.$disconnect();
  }
});
