// npm run db:seed — creates the demo shop on an empty database and prints the admin password once.
import 'dotenv/config';
import { createPrisma } from '../src/platform/db/prisma.js';
import { migrate } from '../src/platform/db/migrate.js';
import { migrateJobQueue } from '../src/platform/jobs/worker.js';
import { seedDemoIfEmpty } from '../src/seed/demo-seed.js';
import { withScriptDatabase } from './lib/script-database.js';

await withScriptDatabase(
  async (url) => {
    await migrate(url);
    await migrateJobQueue(url);
    const db = createPrisma(url, 2);
    try {
      const seeded = await seedDemoIfEmpty({ db });
      if (!seeded) {
        console.log('The database already has a tenant; nothing seeded.');
        return;
      }
      console.log(
        `Demo shop created.\nAdmin panel login (shown once, keep it):\n  email:    ${seeded.email}\n  password: ${seeded.password}`,
      );
    } finally {
      await db.$disconnect();
    }
  },
  { schema: 'as-is' },
);
