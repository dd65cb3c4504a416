// npm run admin:create -- --email <address> [--shop <shop id or name> [--staff]] [--password-stdin]
// Creates a platform admin (no --shop) or a shop admin (staff with --staff) for the named shop. Without
// --password-stdin a password is generated and printed once; a password read from stdin is never printed.
import 'dotenv/config';
import { createAdminAccountsService, generatePassword } from '../src/modules/admin-accounts/admin-accounts.service.js';
import { createPrisma } from '../src/platform/db/prisma.js';
import { parseOrExit, readPasswordFromStdin } from './lib/operator-cli.js';
import { withScriptDatabase } from './lib/script-database.js';

const usage = 'Usage: npm run admin:create -- --email <address> [--shop <shop id or name> [--staff]] [--password-stdin]';
const args = parseOrExit(
  { email: { type: 'string' }, shop: { type: 'string' }, staff: { type: 'boolean' }, 'password-stdin': { type: 'boolean' } },
  usage,
  ['email'],
);
if (args.staff && !args.shop) {
  console.error(`--staff needs --shop\n${usage}`);
  process.exit(2);
}
const generated = args['password-stdin'] ? undefined : generatePassword();
const password = generated ?? (await readPasswordFromStdin());

await withScriptDatabase(async (url) => {
  const db = createPrisma(url, 2);
  try {
    const accounts = createAdminAccountsService({ db });
    const shop = args.shop ? await accounts.findShop(args.shop) : undefined;
    const role = !shop ? 'PLATFORM_ADMIN' : args.staff ? 'TENANT_STAFF' : 'TENANT_ADMIN';
    const admin = await accounts.createAdmin({ email: args.email!, password, role, tenantId: shop?.id ?? null });
    const what = !shop
      ? 'platform admin (every shop)'
      : `${role === 'TENANT_STAFF' ? 'staff member' : 'shop admin'} of ${shop.name} (${shop.id})`;
    console.log(`Created ${what}: ${admin.email}, id ${admin.id}.`);
    if (generated) console.log(`Password (generated, shown once; they can change it in the panel under Change password):\n  ${generated}`);
    else console.log('Password: the one read from stdin (not shown).');
  } finally {
    await db.$disconnect();
  }
});
