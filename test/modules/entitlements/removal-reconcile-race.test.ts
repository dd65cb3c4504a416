// A shop whose removal policy is RECORD: a moderator takes a paid role while the reconciliation runs, and the
// listener records the removal in the same moment as the reconciliation re-grants the missing role. Until
// 2026-12-07 neither took a lock: the reconciliation read "no removal recorded", the listener recorded one and
// committed, and the reconciliation's re-grant then overwrote it (grant PENDING, the role given back: the shop's
// choice undone with the listener's audit entry saying it was kept). Both now lock the member's GRANTED
// entitlements (in id order) before they read, so one of them runs after the other and sees what it did.
//
// The two are interleaved deterministically: a second client holds the grant's role_changes row, so whichever
// writes it first waits there; the test starts the other one then and releases the row once both wait (read from
// pg_stat_activity, never a sleep).
import { describe, expect, it } from 'vitest';
import { useRowLockWatch } from '../../helpers/row-lock-watch.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { useRoleJobs } from './role-jobs.harness.js';

const rj = useRoleJobs();
const { db, discord, grantOf } = rj;

const locks = useRowLockWatch();

/** A VIP holder under RECORD whose role a moderator has just taken in Discord; the listener has not heard yet. */
async function roleJustTaken() {
  const m = await rj.vipHolder('RECORD');
  const { ent } = await m.buy();
  discord.guilds.takeRole(m.guildId, m.userId, m.vip);
  return { ...m, ent };
}

/** Holds the grant's role_changes row in the blocker's open transaction; returns the blocker's pid. */
const holdGrantRow = (entitlementId: string) =>
  locks.holdRow(`SELECT id FROM role_changes WHERE "entitlementId" = $1 AND action = 'GRANT' FOR UPDATE`, [entitlementId]);

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, err }),
  );

/** Every role job of the shop has run (its lane is empty). */
const laneDrained = (tenantId: string) =>
  waitFor('the shop role lane to drain', async () => (await db.laneJob.count({ where: { tenantId } })) === 0);

describe('RECORD: the listener records a removal while the reconciliation re-grants', () => {
  it('the listener first: the reconciliation sees the removal it recorded and leaves the role off', async () => {
    const m = await roleJustTaken();
    const blockerPid = await holdGrantRow(m.ent.id);

    // The listener has decided "a moderator's removal" and waits to write it.
    const heard = settle(rj.events.rolesChanged(m.guildId, m.userId, []));
    const listenerPid = await locks.oneWaitingOn('the listener to wait on the held row', [blockerPid]);
    // The reconciliation reads the member without VIP and comes to re-grant it: it waits too (on the listener's
    // lock now; before the fix, on the same row, after having read that no removal was recorded).
    const reconciled = settle(rj.repair.reconcile(adminCtx(m.tenantId)));
    await locks.oneWaitingOn('the reconciliation to wait', [blockerPid, listenerPid]);
    await locks.release();

    const listener = await heard;
    const report = await reconciled;
    expect(listener).toEqual({ ok: true, value: { removed: [m.vip], reapplied: false } });
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    // The removal the listener recorded is what stays: not overwritten by a re-grant, and reported as kept.
    expect(await grantOf(m.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    expect(report.value.regranted).toEqual([]);
    expect(report.value.removalsKept).toEqual([{ guildId: m.guildId, userId: m.userId, roleId: m.vip, customerId: m.customerId }]);
    await laneDrained(m.tenantId);
    expect(discord.guilds.memberRoles(m.guildId, m.userId)).toEqual([]);
    expect(await grantOf(m.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
  });

  it('the reconciliation first: its re-grant is on its way, so the listener records no removal it cannot keep', async () => {
    const m = await roleJustTaken();
    const blockerPid = await holdGrantRow(m.ent.id);

    // The reconciliation has decided to re-grant and waits to write the grant.
    const reconciled = settle(rj.repair.reconcile(adminCtx(m.tenantId)));
    const reconcilePid = await locks.oneWaitingOn('the reconciliation to wait on the held row', [blockerPid]);
    const heard = settle(rj.events.rolesChanged(m.guildId, m.userId, []));
    await locks.oneWaitingOn('the listener to wait', [blockerPid, reconcilePid]);
    await locks.release();

    const listener = await heard;
    const report = await reconciled;
    expect(report.ok && report.value.regranted).toEqual([
      { guildId: m.guildId, userId: m.userId, roleId: m.vip, customerId: m.customerId },
    ]);
    // Before the fix the listener had read the grant as given (DONE) and recorded a removal over the pending re-grant,
    // which then gave the role anyway: the audit and the listener said "kept off", Discord and Role changes said given.
    // Now it waits for the reconciliation and sees a grant on its way, which is not a removal.
    expect(listener).toEqual({ ok: true, value: { removed: [], reapplied: false } });
    await laneDrained(m.tenantId);
    expect(discord.guilds.memberRoles(m.guildId, m.userId)).toEqual([m.vip]);
    expect(await grantOf(m.ent.id)).toMatchObject({ state: 'DONE' });
    expect(await db.auditLog.count({ where: { tenantId: m.tenantId, action: 'entitlement.role_removed_externally' } })).toBe(0);
  });
});
