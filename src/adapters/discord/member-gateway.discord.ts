// The gateway listener: one @discordjs/ws connection with the Guild Members intent (privileged: enable
// "Server Members Intent" for the bot in the Developer Portal), passing member joins and role changes to
// the entitlement module (MemberEvents). Only the elected process runs it (platform/db/leader-lock.ts).
// A handler that fails is logged, not retried: the event is gone, and the daily reconciliation repairs what
// it would have.
import type { REST } from '@discordjs/rest';
import { WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';
import type { MemberEvents } from '../../modules/entitlements/member-events.js';
import type { Logger } from '../../platform/logger.js';

export const MEMBER_GATEWAY_INTENTS = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers;

export async function connectMemberGateway(opts: {
  token: string;
  rest: REST;
  events: MemberEvents;
  logger: Logger;
}): Promise<() => Promise<void>> {
  const log = opts.logger.child({ component: 'member-gateway' });
  const manager = new WebSocketManager({ token: opts.token, intents: MEMBER_GATEWAY_INTENTS, rest: opts.rest });
  manager.on(WebSocketShardEvents.Dispatch, (payload) => {
    const handle = async () => {
      if (payload.t === GatewayDispatchEvents.GuildMemberAdd) {
        await opts.events.joined(payload.d.guild_id, payload.d.user.id);
      } else if (payload.t === GatewayDispatchEvents.GuildMemberUpdate) {
        await opts.events.rolesChanged(payload.d.guild_id, payload.d.user.id, payload.d.roles);
      }
    };
    handle().catch((err: unknown) => log.error({ err, event: payload.t }, 'member event failed; the daily reconciliation will repair it'));
  });
  manager.on(WebSocketShardEvents.Ready, () => log.info('gateway connected'));
  manager.on(WebSocketShardEvents.Error, (err) => log.warn({ err }, 'gateway error'));
  await manager.connect();
  return async () => {
    await manager.destroy({ reason: 'no longer the elected gateway process', code: 1000 });
  };
}
