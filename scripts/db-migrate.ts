// npm run db:migrate — applies pending migrations (and the job queue's schema) to DATABASE_URL,
// or to the embedded database when DATABASE_URL is unset.
import 'dotenv/config';
import { migrate } from '../src/platform/db/migrate.js';
import { migrateJobQueue } from '../src/platform/jobs/worker.js';
import { withScriptDatabase } from './lib/script-database.js';

await withScriptDatabase(
  async (url) => {
    const applied = await migrate(url, {
      onLockRetry: (migration, attempt, err) =>
        console.warn(`${migration}: ${err.message} (a long transaction holds the table?); try ${attempt + 1} after a pause`),
    });
    await migrateJobQueue(url);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  },
  { schema: 'as-is' },
);
