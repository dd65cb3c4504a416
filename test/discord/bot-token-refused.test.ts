// A 401 from Discord is the bot's token refused (reset by its owner), not the request: the DM is not kept as refused
// for good (no missed notice, the order not marked "customer not reached") but retried by the job queue, and
// @discordjs/rest drops the token, so the retries send no more 401s to Discord (it counts them towards banning the
// address) until the process restarts with a token; the operator is told so once, in an error line. In a file of its
// own: the harness's REST client has no token after it. /readyz and /metrics say so too (the instance stays ready:
// interactions answer with their own token).
import { Writable } from 'node:stream';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { withTransaction } from '../../src/platform/db/prisma.js';
import { createLogger } from '../../src/platform/logger.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { pendingJobs } from '../helpers/job-queue.js';
import { waitFor } from '../helpers/wait-for.js';
import { useHarness } from './harness.js';

const f = factories();
const db = testDb();
/** The app's log lines (JSON), as an operator's log collector gets them. */
const lines: { level: number; msg: string; route?: string }[] = [];
const destination = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
    done();
  },
});
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const h = useHarness({ worker: true, env: { METRICS_TOKEN }, logger: createLogger({ level: 'warn', pretty: false, destination }) });
const refusedGauge = async () => {
  const res = await request(h.t.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
  return res.text.split('\n').find((l) => l.startsWith('ledgerline_discord_bot_token_refused '));
};

describe('a DM refused with 401 (the bot token)', () => {
  it('is retried, not kept as a missed notice, and no second request reaches Discord', async () => {
    const s = await f.shop();
    const userId = s.customer.discordUserId;
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
    const before = await request(h.t.app).get('/readyz');
    expect(before.body).toEqual({ status: 'ready', database: 'ok' });
    expect(await refusedGauge()).toBe('ledgerline_discord_bot_token_refused 0');
    h.fake.refuseDms(userId, 401, { message: '401: Unauthorized', code: 0 });
    await withTransaction(db, (tx) =>
      h.t.services.bus.emit(tx, EVENTS.orderPaid, { tenantId: s.tenant.id, orderId: order.id, paymentId: order.payment.id }),
    );
    // The receipt's job failed twice: Discord's 401, then the client's own refusal to send without a token.
    await waitFor('the receipt job retried', async () =>
      (await pendingJobs(db, [`${EVENTS.orderPaid}>discord-notify`])).some((j) => j.lastError?.includes('Expected token to be set')),
    );
    expect(await db.missedNotice.count({ where: { orderId: order.id } })).toBe(0);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).customerDmFailedAt).toBeNull();
    expect((await db.customer.findUniqueOrThrow({ where: { id: s.customer.id } })).dmClosedAt).toBeNull();
    // One request answered 401, none after it.
    expect(h.fake.calls.filter((c) => c.status === 401)).toHaveLength(1);
    // The operator reads why once (level 50: error), not only the jobs' "Expected token to be set".
    const told = lines.filter((l) => l.msg.includes("Discord refused the bot's token (401)"));
    expect(told).toEqual([expect.objectContaining({ level: 50, route: expect.stringContaining('/channels/') })]);
    expect(told[0]!.msg).toContain('DISCORD_BOT_TOKEN');
    // A probe or a dashboard sees it without reading logs; the instance still serves (200).
    const ready = await request(h.t.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      database: 'ok',
      discordBotToken: expect.stringMatching(/^refused by Discord at \d{4}-.+: restart with a valid DISCORD_BOT_TOKEN$/),
    });
    expect(await refusedGauge()).toBe('ledgerline_discord_bot_token_refused 1');
  });
});
