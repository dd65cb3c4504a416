// A customer's click runs one statement before its handler (interaction-dedup.ts): it claims the interaction
// id (the first delivery does, a replay does not), finds or makes the customer behind the Discord user
// (modules/customers/discord-customer.sql.ts), and returns the notices that customer has not been shown yet
// (oldest first, at most three, never another customer's or another shop's), as full rows.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_NOTICES_PER_REPLY } from '../../src/modules/notifications/missed-notices.js';
import { claimCustomerInteraction, claimInteraction, type CustomerClaim } from '../../src/surfaces/discord/interaction-dedup.js';
import { testDb, testSql } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';

const db = testDb(3);
const sql = testSql(3);
const now = () => new Date();

/** The claim of a first delivery, narrowed (a replay has no customer). */
function claimed(c: CustomerClaim): Extract<CustomerClaim, { claimed: true }> {
  if (!c.claimed) throw new Error('expected the first delivery to claim the id');
  return c;
}

describe('interaction claim with the customer and their missed notices', () => {
  it('claims once, and returns the customer and the oldest unshown notices of this customer in this shop', async () => {
    const f = factories(db);
    const shop = await f.tenant();
    const other = await f.tenant();
    const customer = await f.customer({ tenantId: shop.id, username: 'pat', displayName: 'Pat' });
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
    const profile = { discordUserId: customer.discordUserId, username: 'pat', displayName: 'Pat' };

    const id = snowflake();
    const first = claimed(await claimCustomerInteraction(sql, id, shop.id, profile, now()));
    // The row as Prisma reads it, every column (dates as UTC Dates), and unchanged: nothing was written.
    expect(first.customer).toEqual(customer);
    expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toEqual(customer);
    expect(first.notices).toHaveLength(MAX_NOTICES_PER_REPLY);
    expect(first.notices.map((n) => n.message)).toEqual([{ content: 'm3' }, { content: 'm4' }, { content: 'm5' }]);
    const stored = await db.missedNotice.findMany({ where: { id: { in: first.notices.map((n) => n.id) } }, orderBy: { createdAt: 'asc' } });
    expect(first.notices).toEqual(stored);

    expect(await claimCustomerInteraction(sql, id, shop.id, profile, now())).toEqual({ claimed: false, notices: [] });

    const stranger = await f.customer({ tenantId: other.id });
    const none = await claimCustomerInteraction(sql, snowflake(), other.id, { discordUserId: stranger.discordUserId }, now());
    expect(none).toEqual({ claimed: true, customer: stranger, notices: [] });
  });

  it('makes the customer on first contact, once, however many clicks arrive at the same moment', async () => {
    const shop = await factories(db).tenant();
    const user = snowflake();
    const at = new Date(Date.UTC(2026, 11, 1, 3, 0, 0, 123));
    const clicks = await Promise.all(
      Array.from({ length: 6 }, () => claimCustomerInteraction(sql, snowflake(), shop.id, { discordUserId: user, username: 'sam' }, at)),
    );
    expect(new Set(clicks.map((c) => claimed(c).customer.id)).size).toBe(1);
    const rows = await db.customer.findMany({ where: { tenantId: shop.id, discordUserId: user } });
    expect(rows).toHaveLength(1);
    expect(claimed(clicks[0]!).customer).toEqual(rows[0]);
    expect(rows[0]).toMatchObject({ username: 'sam', displayName: null, updatedAt: at });
  });

  it('writes only a changed Discord name, and never over a display name an admin set', async () => {
    const f = factories(db);
    const shop = await f.tenant();
    const before = new Date(Date.UTC(2026, 0, 1));
    const later = new Date(Date.UTC(2026, 11, 1, 4));
    const c = await f.customer({ tenantId: shop.id, username: 'jo', displayName: 'Jo', updatedAt: before });
    const claim = async (profile: { username?: string; displayName?: string }) =>
      claimed(await claimCustomerInteraction(sql, snowflake(), shop.id, { discordUserId: c.discordUserId, ...profile }, later));

    // Same names, or names the interaction does not carry: read only.
    expect((await claim({ username: 'jo', displayName: 'Jo' })).customer.updatedAt).toEqual(before);
    expect((await claim({ username: 'jo' })).customer.updatedAt).toEqual(before);
    // A new Discord display name is written.
    expect((await claim({ username: 'jo', displayName: 'Joanne' })).customer).toMatchObject({ displayName: 'Joanne', updatedAt: later });
    // An admin named them: a different Discord display name is neither written nor a reason to write.
    const named = new Date(Date.UTC(2026, 10, 1));
    await db.customer.update({ where: { id: c.id }, data: { displayName: 'Jo (VIP)', displayNameSetByAdminAt: named, updatedAt: before } });
    const kept = await claim({ username: 'jo', displayName: 'Joanne' });
    expect(kept.customer).toMatchObject({ displayName: 'Jo (VIP)', displayNameSetByAdminAt: named, updatedAt: before });
    // A new username is written; the admin's display name stays.
    const renamed = await claim({ username: 'jo_2', displayName: 'Someone' });
    expect(renamed.customer).toMatchObject({ username: 'jo_2', displayName: 'Jo (VIP)', updatedAt: later });
    expect(await db.customer.findUniqueOrThrow({ where: { id: c.id } })).toEqual(renamed.customer);
  });

  it('a replayed id makes and renames no customer, whoever it names', async () => {
    const f = factories(db);
    const shop = await f.tenant();
    const other = await f.tenant();
    const c = await f.customer({ tenantId: shop.id, username: 'kim' });
    const id = snowflake();
    claimed(await claimCustomerInteraction(sql, id, shop.id, { discordUserId: c.discordUserId, username: 'kim' }, now()));
    const before = await db.customer.findMany({ orderBy: { id: 'asc' } });
    const replays = [
      [shop.id, { discordUserId: c.discordUserId, username: 'kim_renamed' }],
      [shop.id, { discordUserId: snowflake(), username: 'newcomer' }],
      [other.id, { discordUserId: snowflake(), username: 'elsewhere' }],
    ] as const;
    for (const [tenantId, profile] of replays) {
      expect(await claimCustomerInteraction(sql, id, tenantId, profile, now())).toEqual({ claimed: false, notices: [] });
    }
    expect(await db.customer.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });

  it('refuses a malformed Discord user id without claiming anything', async () => {
    const shop = await factories(db).tenant();
    const id = snowflake();
    await expect(claimCustomerInteraction(sql, id, shop.id, { discordUserId: 'not-a-snowflake' }, now())).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await db.processedInteraction.count({ where: { id } })).toBe(0);
  });

  it('without a customer (admin routes) it only claims', async () => {
    const shop = await factories(db).tenant();
    const id = snowflake();
    expect(await claimInteraction(sql, id, shop.id)).toEqual({ claimed: true, notices: [] });
    expect(await claimInteraction(sql, id, shop.id)).toEqual({ claimed: false, notices: [] });
  });
});
