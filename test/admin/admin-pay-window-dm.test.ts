// "Extend pay window" in the admin panel tells the customer: through the AdminJS API as its frontend calls it, with
// a real graphile-worker and the fake Discord API, the customer gets one DM with the new deadline (the order's DM
// still said the old one), with how to pay; a redelivered notice is not sent again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { startWorker } from '../../src/platform/jobs/worker.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { testDatabaseUrl } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitForJobsDone } from '../helpers/job-queue.js';
import { waitFor } from '../helpers/wait-for.js';
import { loggedIn, startAdminApp, type RunningAdmin } from './admin-helpers.js';

const f = factories();
const MINUTE = 60_000;
let app: RunningAdmin;
let fake: FakeDiscordApi;
let worker: Awaited<ReturnType<typeof startWorker>>;

beforeAll(async () => {
  fake = await new FakeDiscordApi().start();
  app = await startAdminApp({ env: { DISCORD_API_BASE_URL: fake.apiBase } });
  worker = await startWorker({
    connectionString: testDatabaseUrl(),
    bus: app.services.bus,
    logger: app.services.logger,
    concurrency: 2,
    pollIntervalMs: 100,
  });
});
afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await fake?.stop();
});

/** The customer's DMs about more time, as the fake Discord received them. */
const moreTimeDms = (userId: string) =>
  fake
    .directMessages()
    .filter((m) => m.userId === userId)
    .map((m) => (m.body as { embeds?: { title?: string; description?: string }[] }).embeds?.[0] ?? {})
    .filter((e) => /more time to pay/.test(e.title ?? ''));

it("an admin's extension DMs the customer the new deadline, once", async () => {
  const tenant = await f.tenant({ paymentWindowMinutes: { VENMO_P2P: 60 } });
  const customer = await f.customer({ tenantId: tenant.id });
  const order = await f.order({ tenantId: tenant.id, customerId: customer.id, paymentMethod: 'VENMO_P2P' });
  const { dueAt } = (await app.services.paymentWindows.schedule(tenant.id, order.id))!;
  const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);

  const res = await admin.agent
    .post(`/admin/api/resources/Order/records/${order.id}/extendPayWindow`)
    .set(admin.headers())
    .send({ extendByHours: '24' });
  expect(res.body.notice).toMatchObject({ type: 'success' });
  const moved = new Date(dueAt.getTime() + 24 * 60 * MINUTE);

  const [dm] = await waitFor('the DM of the new deadline', async () => {
    const dms = moreTimeDms(customer.discordUserId);
    return dms.length > 0 && dms;
  });
  expect(dm!.title).toBe(`${tenant.name}: more time to pay order #${order.number}`);
  const unix = Math.floor(moved.getTime() / 1000);
  expect(dm!.description).toContain(`The shop gave you more time to pay`);
  expect(dm!.description).toContain(`order **#${order.number}**`);
  expect(dm!.description).toContain(`Pay by <t:${unix}:f> (<t:${unix}:R>): an order still unpaid then is cancelled`);
  expect(dm!.description).toContain('Pay with Venmo');
  expect(dm!.description).not.toContain(`<t:${Math.floor(dueAt.getTime() / 1000)}:f>`);

  // The same notice delivered again (a job re-run, a redelivery): no second DM.
  await app.services.bus.emit(app.services.db, EVENTS.payWindowExtended, {
    tenantId: tenant.id,
    orderId: order.id,
    dueAt: moved.toISOString(),
  });
  await waitForJobsDone();
  expect(moreTimeDms(customer.discordUserId)).toHaveLength(1);
});
