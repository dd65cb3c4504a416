// Who acted, by name, for people who read it outside Discord: the one naming rule for the order page (its history,
// receipts and refunds: surfaces/admin/resources/audit-trail.ts, orders.resource.ts), a receipt refused because money
// was recorded meanwhile (payments/recorded-meanwhile.ts), and wherever else an actor is named to such a reader.
// - a panel admin: their email (of the shop, or a platform admin);
// - an API key: 'API key "Till"';
// - a Discord admin: "a Discord admin (Dana)", by the name they acted under (discord_admin_names, kept with each of their
//   audit entries: audit.service.ts), else the name the shop knows them by as a customer (a member who also ordered,
//   for actions from before names were kept), else "a Discord admin (Discord user id 123…)". Each action keeps their
//   Discord user id only; a reader in Discord is shown a mention instead (the caller's).
import type { Tx } from '../../platform/db/prisma.js';

export interface ActorRef {
  actorType: string;
  actorId: string | null;
}

/**
 * Names by actor (actorKey: its type and id). By type too, because one id can be two actors: a Discord user id is both
 * a Discord admin's and, when they order from the shop, a customer's (a self-service cancel), who is "the customer".
 */
export type ActorNames = ReadonlyMap<string, string>;

/** An actor's key in ActorNames. */
export function actorKey(actorType: string, actorId: string): string {
  return `${actorType}:${actorId}`;
}

/**
 * Names of the actors among `actors`, by actorKey: every panel admin and API key of the shop that still exists, and
 * every Discord admin (by name when known, else by id). Other actors (the system, a customer) are not in the map.
 */
export async function actorNames(
  db: Pick<Tx, 'adminUser' | 'apiKey' | 'customer' | 'discordAdminName'>,
  tenantId: string,
  actors: readonly ActorRef[],
): Promise<Map<string, string>> {
  const ids = (type: string) => [...new Set(actors.filter((a) => a.actorType === type && a.actorId).map((a) => a.actorId!))];
  const adminIds = ids('PANEL_ADMIN');
  const keyIds = ids('API_KEY');
  const [admins, keys, discord] = await Promise.all([
    adminIds.length
      ? db.adminUser.findMany({
          where: { id: { in: adminIds }, OR: [{ tenantId }, { role: 'PLATFORM_ADMIN' }] },
          select: { id: true, email: true },
        })
      : [],
    keyIds.length ? db.apiKey.findMany({ where: { id: { in: keyIds }, tenantId }, select: { id: true, name: true } }) : [],
    discordAdminNames(db, tenantId, ids('DISCORD_ADMIN')),
  ]);
  return new Map([
    ...admins.map((a) => [actorKey('PANEL_ADMIN', a.id), a.email] as const),
    ...keys.map((k) => [actorKey('API_KEY', k.id), `API key "${k.name}"`] as const),
    ...discord.map(([id, name]) => [actorKey('DISCORD_ADMIN', id), name] as const),
  ]);
}

/** One actor's name for a reader outside Discord (see the file's head); `names` from actorNames. */
export function actorName(actor: ActorRef, names: ActorNames): string {
  const named = actor.actorId ? names.get(actorKey(actor.actorType, actor.actorId)) : undefined;
  if (named) return named;
  if (actor.actorType === 'DISCORD_ADMIN' && actor.actorId) return discordAdminWords(actor.actorId, null);
  if (actor.actorType === 'PANEL_ADMIN') return 'an admin in the panel';
  if (actor.actorType === 'API_KEY') return 'an API key';
  if (actor.actorType === 'CUSTOMER') return 'the customer';
  return 'Ledgerline';
}

function discordAdminWords(discordUserId: string, name: string | null): string {
  return `a Discord admin (${name ?? `Discord user id ${discordUserId}`})`;
}

/** Every one of these Discord admins of the shop, named (see the file's head). */
async function discordAdminNames(
  db: Pick<Tx, 'customer' | 'discordAdminName'>,
  tenantId: string,
  ids: readonly string[],
): Promise<[string, string][]> {
  if (!ids.length) return [];
  const kept = await db.discordAdminName.findMany({
    where: { tenantId, discordUserId: { in: [...ids] } },
    select: { discordUserId: true, name: true },
  });
  const byId = new Map(kept.map((k) => [k.discordUserId, k.name]));
  // The shop's customers only for admins without a kept name (who acted only before names were kept): usually none.
  const unnamed = ids.filter((id) => !byId.has(id));
  const members = unnamed.length
    ? await db.customer.findMany({
        where: { tenantId, discordUserId: { in: unnamed } },
        select: { discordUserId: true, displayName: true, username: true },
      })
    : [];
  for (const m of members) {
    const name = m.displayName ?? m.username;
    if (name) byId.set(m.discordUserId, name);
  }
  return ids.map((id) => [id, discordAdminWords(id, byId.get(id) ?? null)]);
}
