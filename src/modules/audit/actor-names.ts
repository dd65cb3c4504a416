// Who acted, by name, for people who read it: a panel admin's email (of the shop, or a platform admin) and an API
// key's name ('API key "Till"'). One lookup for the order page's history (surfaces/admin/resources/audit-trail.ts) and
// a receipt refused because money was recorded meanwhile (payments/recorded-meanwhile.ts). A Discord admin's name is
// kept nowhere of its own (an action keeps their Discord user id): the shop knows it only when that member is also
// one of its customers (customers.displayName / username), which discordAdminNames reads.
import type { Tx } from '../../platform/db/prisma.js';

/** Names of the panel admins and API keys among `actors`, by actor id; other actor types are the caller's to name. */
export async function actorNames(
  db: Pick<Tx, 'adminUser' | 'apiKey'>,
  tenantId: string,
  actors: readonly { actorType: string; actorId: string | null }[],
): Promise<Map<string, string>> {
  const ids = (type: string) => [...new Set(actors.filter((a) => a.actorType === type && a.actorId).map((a) => a.actorId!))];
  const adminIds = ids('PANEL_ADMIN');
  const keyIds = ids('API_KEY');
  const [admins, keys] = await Promise.all([
    adminIds.length
      ? db.adminUser.findMany({
          where: { id: { in: adminIds }, OR: [{ tenantId }, { role: 'PLATFORM_ADMIN' }] },
          select: { id: true, email: true },
        })
      : [],
    keyIds.length ? db.apiKey.findMany({ where: { id: { in: keyIds }, tenantId }, select: { id: true, name: true } }) : [],
  ]);
  return new Map([...admins.map((a) => [a.id, a.email] as const), ...keys.map((k) => [k.id, `API key "${k.name}"`] as const)]);
}

/**
 * Names of the Discord admins among `actors` (DISCORD_ADMIN, by their Discord user id) that the shop knows as
 * customers: their display name, else their username. Others are not in the map (the caller names them by id).
 */
export async function discordAdminNames(
  db: Pick<Tx, 'customer'>,
  tenantId: string,
  actors: readonly { actorType: string; actorId: string | null }[],
): Promise<Map<string, string>> {
  const ids = [...new Set(actors.filter((a) => a.actorType === 'DISCORD_ADMIN' && a.actorId).map((a) => a.actorId!))];
  if (!ids.length) return new Map();
  const members = await db.customer.findMany({
    where: { tenantId, discordUserId: { in: ids } },
    select: { discordUserId: true, displayName: true, username: true },
  });
  return new Map(
    members.flatMap((m) => ((m.displayName ?? m.username) ? [[m.discordUserId, (m.displayName ?? m.username)!] as const] : [])),
  );
}
