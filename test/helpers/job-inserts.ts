// Counts graphile_worker.add_jobs / add_job calls: each sends one NOTIFY on "jobs:insert" with the number of
// jobs it added (graphile-worker's SQL). `stop()` returns the counts in commit order, once a marker sent
// after every earlier commit has arrived (notifications arrive in commit order).
import pg from 'pg';
import { testDatabaseUrl, testDb } from './db.js';
import { waitFor } from './wait-for.js';

export async function listenForJobInserts(): Promise<{ stop: () => Promise<number[]> }> {
  const listener = new pg.Client({ connectionString: testDatabaseUrl() });
  await listener.connect();
  const counts: number[] = [];
  let marker = false;
  listener.on('notification', (n) => {
    const body = JSON.parse(n.payload ?? '{}') as { count?: number; marker?: boolean };
    if (body.marker) marker = true;
    else if (n.channel === 'jobs:insert' && typeof body.count === 'number') counts.push(body.count);
  });
  await listener.query('LISTEN "jobs:insert"');
  return {
    async stop() {
      await testDb().$executeRaw`SELECT pg_notify('jobs:insert', '{"marker":true}')`;
      await waitFor('the marker notification', () => marker);
      await listener.end();
      return counts;
    },
  };
}
