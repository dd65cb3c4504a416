// The interaction claim and the customer's missed notices are one statement: the first delivery of an id
// claims it and a replay does not, and the notices it returns are exactly what the customer has not been shown
// yet (oldest first, at most three, never another customer's or another shop's), as full rows.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_NOTICES_PER_REPLY } from '../../src/modules/notifications/missed-notices.js';
import { claimInteraction } from '../../src/surfaces/discord/interaction-dedup.js';
import { testDb, testSql } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';

const db = testDb(3);
const sql = testSql(3);

describe('interaction claim with missed notices', () => {
  it('claims once, and returns the oldest unshown notices of this customer in this shop', async () => {
    const f = factories(db);
    const shop = await f.tenant();
    const other = await f.tenant();
    const customer = await f.customer({ tenantId: shop.id });
    const neighbour = await f.customer({ tenantId: shop.id });
    const elsewhere = await f.customer({ tenantId: other.id, discordUserId: customer.discordUserId });
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 12, minute));
    const notice = (customerId: string, tenantId: string, minute: number, shownAt: Date | null = null) =>
      db.missedNotice.create({
        data: {
          tenantId,
          customerId,
          kind: 'order.shipped',
          deliveryKey: randomUUID(),
          message: { content: `m${minute}` },
          createdAt: at(minute),
          shownAt,
        },
      });
    await notice(customer.id, shop.id, 5);
    await notice(customer.id, shop.id, 1, at(2)); // shown already
    await notice(customer.id, shop.id, 3);
    await notice(customer.id, shop.id, 4);
    await notice(customer.id, shop.id, 7);
    await notice(neighbour.id, shop.id, 0);
    await notice(elsewhere.id, other.id, 0);

    const id = snowflake();
    const first = await claimInteraction(sql, id, shop.id, customer.id);
    expect(first.claimed).toBe(true);
    expect(first.notices).toHaveLength(MAX_NOTICES_PER_REPLY);
    expect(first.notices.map((n) => n.message)).toEqual([{ content: 'm3' }, { content: 'm4' }, { content: 'm5' }]);
    const stored = await db.missedNotice.findUniqueOrThrow({ where: { id: first.notices[0]!.id } });
    expect(first.notices[0]).toEqual(stored);

    const replay = await claimInteraction(sql, id, shop.id, customer.id);
    expect(replay.claimed).toBe(false);

    const none = await claimInteraction(sql, snowflake(), other.id, (await f.customer({ tenantId: other.id })).id);
    expect(none).toEqual({ claimed: true, notices: [] });
  });

  it('without a customer (admin routes) it only claims', async () => {
    const shop = await factories(db).tenant();
    const id = snowflake();
    expect(await claimInteraction(sql, id, shop.id)).toEqual({ claimed: true, notices: [] });
    expect(await claimInteraction(sql, id, shop.id)).toEqual({ claimed: false, notices: [] });
  });
});
