// A shop whose removal policy is RECORD: a moderator took a paid role and the listener recorded it (grant FAILED,
// REMOVED_EXTERNALLY; the shop's Retry gives it back). Leaving the server and joining again must not give it back
// behind the shop's back (the record vanished from Role changes and the role was back). Under REAPPLY a rejoin gives back everything, as before.
import { describe, expect, it } from 'vitest';
import { useRoleJobs } from './role-jobs.harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const rj = useRoleJobs();
const { discord, events, grantOf } = rj;

const removedByModerator = (policy: 'RECORD' | 'REAPPLY') => rj.removedByModerator(policy);

describe('a rejoin and the shop removal policy', () => {
  it('RECORD: a removal the shop recorded stays off after the member leaves and rejoins; the record stays', async () => {
    const m = await removedByModerator('RECORD');
    expect(await grantOf(m.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    discord.guilds.removeMember(m.guildId, m.userId);
    discord.guilds.addMember(m.guildId, m.userId);

    expect(await events.joined(m.guildId, m.userId)).toEqual({ regranted: 0 });
    // Nothing was queued: the record is as the listener left it, and the member still lacks the role.
    expect(await grantOf(m.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    expect(discord.guilds.memberRoles(m.guildId, m.userId)).toEqual([]);
  });

  it('REAPPLY: a rejoin gives the role back', async () => {
    const m = await removedByModerator('REAPPLY');
    await waitFor('the listener gave it back', () => discord.guilds.memberRoles(m.guildId, m.userId)?.includes(m.vip));
    await waitFor('the regrant done', async () => (await grantOf(m.ent.id)).state === 'DONE');
    discord.guilds.removeMember(m.guildId, m.userId);
    discord.guilds.addMember(m.guildId, m.userId);
    expect(await events.joined(m.guildId, m.userId)).toEqual({ regranted: 1 });
    await waitFor('the role back', () => discord.guilds.memberRoles(m.guildId, m.userId)?.includes(m.vip));
  });
});
