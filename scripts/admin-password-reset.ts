// npm run admin:password-reset -- --email <address> [--password-stdin]
// Sets a new password for an admin and ends all of their panel sessions. Without --password-stdin a
// password is generated and printed once; a password read from stdin is never printed.
import 'dotenv/config';
import { createAdminAccountsService, generatePassword } from '../src/modules/admin-accounts/admin-accounts.service.js';
import { createPrisma } from '../src/platform/db/prisma.js';
import { parseOrExit, readPasswordFromStdin } from './lib/operator-cli.js';
import { withScriptDatabase } from './lib/script-database.js';
import { countWords } from '../src/platform/count-words.js';

const usage = 'Usage: npm run admin:password-reset -- --email <address> [--password-stdin]';
const args = parseOrExit({ email: { type: 'string' }, 'password-stdin': { type: 'boolean' } }, usage, ['email']);
const generated = args['password-stdin'] ? undefined : generatePassword();
const password = generated ?? (await readPasswordFromStdin());

await withScriptDatabase(async (url) => {
  const db = createPrisma(url, 2);
  try {
    const result = await createAdminAccountsService({ db }).resetPassword({ email: args.email!, password });
    console.log(`Password reset for ${result.email} (${result.id}); ${countWords(result.sessionsEnded, 'panel session')} ended.`);
    if (generated) console.log(`New password (generated, shown once):\n  ${generated}`);
    else console.log('New password: the one read from stdin (not shown).');
  } finally {
    await db.$disconnect();
  }
});
