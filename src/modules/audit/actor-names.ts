// Who acted, by name, for people who read it: a panel admin's email (of the shop, or a platform admin) and an API
// key's name ('API key "Till"'). One lookup for the order page's history (surfaces/admin/resources/audit-trail.ts) and
// a receipt refused because money was recorded meanwhile (payments/recorded-meanwhile.ts).
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
