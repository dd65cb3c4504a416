// npm run shop:create -- --name <shop name> --guild <Discord server id> [--guild-name <label>] [--currency USD]
//   [--time-zone America/New_York]
// Creates a shop (tenant) linked to a Discord server, in one transaction. Without --time-zone the shop's days
// are UTC's until an admin sets its zone (the dashboard asks); the command says so. Follow with
// `npm run admin:create -- --email ... --shop <id>` for its first admin.
import 'dotenv/config';
import { createAdminAccountsService } from '../src/modules/admin-accounts/admin-accounts.service.js';
import { createPrisma } from '../src/platform/db/prisma.js';
import { parseOrExit } from './lib/operator-cli.js';
import { withScriptDatabase } from './lib/script-database.js';

const usage =
  'Usage: npm run shop:create -- --name <shop name> --guild <Discord server id> [--guild-name <label>] [--currency USD] [--time-zone America/New_York]';
const args = parseOrExit(
  {
    name: { type: 'string' },
    guild: { type: 'string' },
    'guild-name': { type: 'string' },
    currency: { type: 'string' },
    'time-zone': { type: 'string' },
  },
  usage,
  ['name', 'guild'],
);

await withScriptDatabase(async (url) => {
  const db = createPrisma(url, 2);
  try {
    const { tenant, guild } = await createAdminAccountsService({ db }).createShop({
      name: args.name!,
      guildId: args.guild!,
      guildName: args['guild-name'],
      currency: args.currency,
      timeZone: args['time-zone'],
    });
    console.log(
      `Created shop ${tenant.name} (${tenant.id}, ${tenant.currency}, ${tenant.timeZone}) linked to Discord server ${guild.name} (${guild.id}).`,
    );
    if (!args['time-zone'])
      console.log('Its days (dashboard, exports, tax report) are UTC until its time zone is set (--time-zone, or Settings in the panel).');
    console.log(`Next: npm run admin:create -- --email <address> --shop ${tenant.id}`);
  } finally {
    await db.$disconnect();
  }
});
