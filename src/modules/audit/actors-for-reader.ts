// Who did something, in the words of the one who reads a refusal about it: a Discord admin reads it in Discord, which
// shows a mention as the member's name; everyone else (the panel, the REST API) reads plain words, where a mention
// would show as a raw `<@id>`, and is told names as the order's history tells them (actor-names.ts). Used by the
// refusals of a receipt recorded meanwhile (payments/recorded-meanwhile.ts) and of a refund recorded meanwhile
// (refunds/refunded-meanwhile.ts).
import type { Tx } from '../../platform/db/prisma.js';
import { actorName, actorNames, type ActorRef } from './actor-names.js';

/** Who reads a refusal: the actor type of the one whose request it refuses. */
export type RefusalReader = string;

/**
 * The actors of `rows`, each once, joined ("a, b and c"), in the words of `reader`: a mention for a reader in Discord;
 * for anyone else as the order's history names them. A SYSTEM row is named by `systemWords` (what did it: "an online
 * payment", "a refund made at the payment provider").
 */
export async function actorsForReader<R extends ActorRef>(
  tx: Pick<Tx, 'adminUser' | 'apiKey' | 'customer' | 'discordAdminName'>,
  tenantId: string,
  rows: readonly R[],
  reader: RefusalReader,
  systemWords: (row: R) => string,
): Promise<string> {
  const inDiscord = reader === 'DISCORD_ADMIN';
  const names = await actorNames(tx, tenantId, inDiscord ? rows.filter((r) => r.actorType !== 'DISCORD_ADMIN') : rows);
  const named: string[] = [];
  for (const r of rows) {
    const name =
      r.actorType === 'SYSTEM'
        ? systemWords(r)
        : inDiscord && r.actorType === 'DISCORD_ADMIN' && r.actorId
          ? `<@${r.actorId}>`
          : actorName(r, names);
    if (!named.includes(name)) named.push(name);
  }
  return named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : (named[0] ?? 'someone');
}
