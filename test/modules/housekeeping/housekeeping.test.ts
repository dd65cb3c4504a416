// Daily housekeeping deletes what is past its retention and nothing else: replayed-interaction ids after a day,
// API idempotency answers after a day, delivery records after 30 days, admin sign-in attempts after 90 days, in
// batches (a backlog larger than one batch goes too), and a second run deletes nothing. The rules are the
// composition root's own (RETENTION_RULES), so a table dropped from them fails here. Other test files write to these tables at the same time,
// so only this file's rows are counted.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/platform/jobs/queue.js';
import { createLogger } from '../../../src/platform/logger.js';
import { Prisma } from '../../../src/platform/db/prisma.js';
import {
  HOUSEKEEPING_SCHEDULE,
  HOUSEKEEPING_TASK,
  pruneExpiredRows,
  registerHousekeepingJobs,
} from '../../../src/modules/housekeeping/housekeeping-jobs.js';
import { RETENTION_RULES } from '../../../src/container.js';
import { testDb, testSql } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

const db = testDb(5);
const sql = testSql(5);
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const now = new Date('2026-12-15T12:00:00Z');
const clock = { now: () => now };
const rules = RETENTION_RULES;
const ago = (ms: number) => new Date(now.getTime() - ms);
const tag = `hk-${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  await db.processedInteraction.deleteMany({ where: { id: { startsWith: tag } } });
  await db.notificationDelivery.deleteMany({ where: { key: { startsWith: tag } } });
  await db.loginAttempt.deleteMany({ where: { email: { startsWith: tag } } });
});

describe('housekeeping', () => {
  it('deletes rows past each retention, keeps the rest, in batches; running again deletes nothing', async () => {
    const tenant = await factories(db).tenant();
    // 12,000 replayed-interaction ids two days old (more than two batches), 3 from 23 h ago.
    await sql.execute(Prisma.sql`
      INSERT INTO processed_interactions (id, "tenantId", "createdAt")
      SELECT ${tag} || '-old-' || g, ${tenant.id}, ${ago(2 * DAY)}::timestamp FROM generate_series(1, 12000) g`);
    for (let i = 0; i < 3; i++)
      await db.processedInteraction.create({ data: { id: `${tag}-new-${i}`, tenantId: tenant.id, createdAt: ago(23 * HOUR) } });
    const key = (k: string, createdAt: Date) =>
      db.idempotencyKey.create({
        data: { tenantId: tenant.id, key: `${tag}-${k}`, fingerprint: 'f', method: 'POST', path: '/api/x', createdAt },
      });
    await key('old', ago(DAY + HOUR));
    await key('new', ago(DAY - HOUR));
    await db.notificationDelivery.create({ data: { key: `${tag}-old`, sentAt: ago(31 * DAY) } });
    await db.notificationDelivery.create({ data: { key: `${tag}-new`, sentAt: ago(29 * DAY) } });
    await db.loginAttempt.create({
      data: { email: `${tag}-old@example.com`, ip: '192.0.2.1', outcome: 'wrong_password', at: ago(91 * DAY) },
    });
    await db.loginAttempt.create({ data: { email: `${tag}-new@example.com`, ip: '192.0.2.1', outcome: 'ok', at: ago(89 * DAY) } });

    const deleted = await pruneExpiredRows({ sql, clock, rules });
    expect(deleted.processed_interactions).toBeGreaterThanOrEqual(12000);
    expect(await db.processedInteraction.count({ where: { id: { startsWith: `${tag}-old` } } })).toBe(0);
    expect(await db.processedInteraction.count({ where: { id: { startsWith: `${tag}-new` } } })).toBe(3);
    expect((await db.idempotencyKey.findMany({ where: { tenantId: tenant.id }, select: { key: true } })).map((k) => k.key)).toEqual([
      `${tag}-new`,
    ]);
    expect(
      (await db.notificationDelivery.findMany({ where: { key: { startsWith: tag } }, select: { key: true } })).map((d) => d.key),
    ).toEqual([`${tag}-new`]);
    expect(
      (await db.loginAttempt.findMany({ where: { email: { startsWith: tag } }, select: { email: true } })).map((a) => a.email),
    ).toEqual([`${tag}-new@example.com`]);

    // Our rows are all within their retention now: a second run leaves them.
    await pruneExpiredRows({ sql, clock, rules });
    expect(await db.processedInteraction.count({ where: { id: { startsWith: tag } } })).toBe(3);
    expect(await db.idempotencyKey.count({ where: { tenantId: tenant.id } })).toBe(1);
  });

  it('runs as a daily job, and refuses a rule that is not a plain table and column name', async () => {
    const bus = new EventBus();
    registerHousekeepingJobs(bus, { sql, clock, logger: createLogger({ level: 'silent', pretty: false }), rules });
    expect(bus.crontab()).toBe(`${HOUSEKEEPING_SCHEDULE} ${HOUSEKEEPING_TASK}`);
    expect(bus.handlers().has(HOUSEKEEPING_TASK)).toBe(true);
    await expect(
      pruneExpiredRows({ sql, clock, rules: [{ table: 'orders; DROP TABLE orders', column: 'createdAt', keepMs: DAY }] }),
    ).rejects.toThrow(/bad retention rule/);
  });
});
