// "Jobs" page: a platform admin sees the backlog per task and the failed jobs with their last error, and
// retries or discards one; a shop admin is refused (the queue is shared by every shop).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let platform: AdminAgent;
let shopAdmin: AdminAgent;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
  platform = await loggedIn(app.baseUrl, (await f.adminUser({ role: 'PLATFORM_ADMIN', tenantId: null })).email);
  shopAdmin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: (await f.tenant()).id })).email);
});
afterAll(async () => {
  await app?.close();
});

const page = (who: AdminAgent) => who.agent.get('/admin/api/pages/jobs').set(who.headers());
const act = (who: AdminAgent, action: string, jobId: string) =>
  who.agent.post('/admin/api/pages/jobs').set(who.headers()).send({ action, jobId });

async function addJob(task: string, opts: { failedWith?: string; later?: boolean } = {}): Promise<string> {
  const db = testDb();
  const [row] = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT (graphile_worker.add_job($1, '{}'::json, max_attempts => 3, run_at => now() + ($2 || ' minutes')::interval)).id::text AS id`,
    task,
    opts.later ? '60' : '0',
  );
  if (opts.failedWith)
    await db.$executeRawUnsafe(
      'UPDATE graphile_worker._private_jobs SET attempts = 3, last_error = $2 WHERE id = $1::bigint',
      row!.id,
      opts.failedWith,
    );
  return row!.id;
}

describe('Jobs page', () => {
  it('shows a platform admin the backlog and failed jobs with the error, and retries and discards them', async () => {
    await addJob('notify.order-created>discord', { later: true });
    const broken = await addJob('discord.role.add', { failedWith: 'DiscordAPIError[50013]: Missing Permissions' });
    const hopeless = await addJob('discord.role.add', { failedWith: 'Unknown Role' });

    const res = await page(platform);
    expect(res.status).toBe(200);
    expect(res.body.backlog).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ task: 'notify.order-created>discord', waiting: 1, failed: 0 }),
        expect.objectContaining({ task: 'discord.role.add', waiting: 0, failed: 2 }),
      ]),
    );
    expect(res.body.failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: broken,
          task: 'discord.role.add',
          attempts: 3,
          maxAttempts: 3,
          lastError: 'DiscordAPIError[50013]: Missing Permissions',
        }),
      ]),
    );

    const retried = await act(platform, 'retry', broken);
    expect(retried.body.notice).toEqual({ type: 'success', message: `Job ${broken} will run again now.` });
    const [row] = await testDb().$queryRawUnsafe<{ attempts: number }[]>(
      'SELECT attempts FROM graphile_worker.jobs WHERE id = $1::bigint',
      broken,
    );
    expect(row!.attempts).toBe(0);
    expect(retried.body.failed.map((j: { id: string }) => j.id)).not.toContain(broken);
    // A job that is not failed (any more) is left alone.
    expect((await act(platform, 'discard', broken)).body.notice.type).toBe('error');

    const discarded = await act(platform, 'discard', hopeless);
    expect(discarded.body.notice.type).toBe('success');
    expect(await testDb().$queryRawUnsafe('SELECT id FROM graphile_worker.jobs WHERE id = $1::bigint', hopeless)).toEqual([]);
  });

  it("lists a shop's lane job that used up its attempts, and puts it back in its lane or discards it", async () => {
    const db = testDb();
    const tenant = await f.tenant();
    const task = 'order.created>discord-admin-embed';
    const failedLaneJob = async (error: string) => {
      const [row] = await db.$queryRaw<{ id: string }[]>`
        INSERT INTO lane_jobs ("tenantId", lane, task, payload, attempts, "lastError", "failedAt")
        VALUES (${tenant.id}, 'discord-admin', ${task}, ${JSON.stringify({ tenantId: tenant.id })}::jsonb, 12, ${error}, now())
        RETURNING id::text AS id`;
      return `lane:${row!.id}`;
    };
    const broken = await failedLaneJob('HTTPError: Service Unavailable');
    const hopeless = await failedLaneJob('Error: a bug');

    const res = await page(platform);
    expect(res.body.backlog).toEqual(expect.arrayContaining([expect.objectContaining({ task, waiting: 0, failed: 2 })]));
    expect(res.body.failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: broken, task, attempts: 12, maxAttempts: 12, lastError: 'HTTPError: Service Unavailable' }),
      ]),
    );

    // Retry: back in its lane with fresh attempts, and the lane's drain added to run it now.
    const retried = await act(platform, 'retry', broken);
    expect(retried.body.notice).toEqual({ type: 'success', message: `Job ${broken} will run again now.` });
    const [back] = await db.$queryRaw<{ failed: boolean; attempts: number }[]>`
      SELECT "failedAt" IS NOT NULL AS failed, attempts FROM lane_jobs WHERE id = ${BigInt(broken.slice('lane:'.length))}`;
    expect(back).toEqual({ failed: false, attempts: 0 });
    const drains = await db.$queryRaw<{ due: boolean }[]>`
      SELECT run_at <= now() AS due FROM graphile_worker.jobs WHERE key = ${`lane:drain:discord-admin:${tenant.id}`}`;
    expect(drains).toEqual([{ due: true }]);
    expect(retried.body.failed.map((j: { id: string }) => j.id)).not.toContain(broken);
    expect(retried.body.backlog).toEqual(expect.arrayContaining([expect.objectContaining({ task, waiting: 1, failed: 1 })]));
    // It is not a failed job any more: left alone.
    expect((await act(platform, 'discard', broken)).body.notice.type).toBe('error');

    expect((await act(platform, 'discard', hopeless)).body.notice.type).toBe('success');
    expect(await db.laneJob.count({ where: { id: BigInt(hopeless.slice('lane:'.length)) } })).toBe(0);
    expect((await act(platform, 'retry', hopeless)).body.notice.type).toBe('error');
    expect((await act(platform, 'retry', 'lane:not-a-number')).body.notice.type).toBe('error');
  });

  it('refuses a shop admin (403), who cannot act on a job either', async () => {
    const failed = await addJob('discord.role.remove', { failedWith: 'boom' });
    const res = await page(shopAdmin);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.body.failed).toBeUndefined();
    expect((await act(shopAdmin, 'discard', failed)).status).toBe(403);
    expect(await testDb().$queryRawUnsafe('SELECT id FROM graphile_worker.jobs WHERE id = $1::bigint', failed)).toHaveLength(1);
    // The page's own URL too, not only its API.
    expect((await shopAdmin.agent.get('/admin/pages/jobs')).status).toBe(403);
    // In any case: Express matches routes regardless of it, and /api/Pages/jobs went past the check.
    for (const path of ['/admin/api/Pages/jobs', '/admin/api/pages/JOBS', '/admin/Pages/Jobs']) {
      const other = await shopAdmin.agent.get(path).set(shopAdmin.headers());
      expect(other.status, path).toBe(403);
      expect(JSON.stringify(other.body ?? '')).not.toContain('"failed"');
    }
  });

  it("is in a platform admin's menu and not in a shop admin's (the pages the layout hands the browser)", async () => {
    // AdminJS's navigation renders window.REDUX_STATE.pages; the panel's home page is where it is written.
    const menu = async (who: AdminAgent) => {
      const html = (await who.agent.get('/admin')).text;
      const state = JSON.parse(/window\.REDUX_STATE = (.*);$/m.exec(html)![1]!) as { pages: { name: string }[] };
      return state.pages.map((p) => p.name);
    };
    expect(await menu(platform)).toContain('jobs');
    expect(await menu(shopAdmin)).not.toContain('jobs');
    // A shop's page the other way round: Tax & exports is a shop admin's, not the platform's.
    expect(await menu(shopAdmin)).toEqual(expect.arrayContaining(['tax', 'changePassword', 'signInAttempts']));
    expect(await menu(platform)).not.toContain('tax');
    expect((await page(platform)).status).toBe(200);
  });
});
