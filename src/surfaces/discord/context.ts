// What every handler gets: the tenant (from the signed interaction's guild, never from a custom id), the
// acting user, their roles, whether they are a shop admin, and the customer record (created on first use).
import type { APIInteraction, APIUser } from 'discord-api-types/v10';
import type { Services } from './services.js';
import type { Customer, Tenant } from '../../generated/prisma/index.js';
import type { Logger } from '../../platform/logger.js';
import type { TenantContext } from '../../modules/shared/actor.js';
import type { CustomIdKey, CustomIdParams } from './custom-id.js';
import type { MessageData } from './replies.js';

export interface HandlerContext {
  services: Services;
  interaction: APIInteraction;
  tenant: Tenant;
  guildId: string;
  user: APIUser;
  /** The member's role ids in this guild (product role gates). */
  memberRoleIds: string[];
  isAdmin: boolean;
  requestId: string;
  log: Logger;
  /**
   * When the user sent the interaction, on this instance's clock, read as it arrived (sentAtOf): a rule comparing it
   * with stored times ("recorded meanwhile") puts it on the database's clock. Undefined for an id not a snowflake.
   */
  sentAt: Date | undefined;
  /** The caller's customer record in this tenant, created on first use (memoized per interaction). */
  customer(): Promise<Customer>;
  /** The context module services take for admin actions. */
  adminContext(): TenantContext;
}

export type Reply = import('discord-api-types/v10').APIInteractionResponse;

export interface Route<P = void> {
  run(ctx: HandlerContext, params: P): Promise<Reply>;
  /** Admin-only: refused with an ephemeral message before `run` for anyone else. */
  adminOnly?: boolean;
  /**
   * The handler only shows something (a page, a modal) and writes nothing, so running it again for a replayed
   * delivery is harmless: dispatch makes no de-duplication claim for it (no statement, no commit) and reads
   * no customer (`ctx.customer()` throws: a first contact would be a write). Never on an admin route.
   */
  showsOnly?: true;
  /** True when this call will reach a slow outside service (tax, address validation): defer up front. */
  deferIf?(ctx: HandlerContext): boolean;
  /**
   * A button on a shared message (the admin post): what that message shows while the work runs, when the answer
   * is deferred (an UPDATE_MESSAGE instead of a bare deferred update, so nobody sees the old ask with live
   * buttons). Computed from the interaction alone, before any database read, but shown only once the caller passed
   * the route's gates (an admin-only route's working state is never shown for a member it refuses: dispatch.ts); an
   * answer that is not an update (a refusal, an error) puts the message back as it was (deferral.ts).
   */
  whileWorking?(interaction: APIInteraction, user: APIUser): MessageData;
  /**
   * After the message was put back as it was (whileWorking, then an answer that was not an update): another admin's
   * decision may have changed it meanwhile, which the put-back drew over, so the route has it drawn again from what is
   * true now (the admin post: a redraw job on the admin channel's lane, which runs after the put-back).
   */
  afterPutBack?(services: Services, tenantId: string, params: P): Promise<void>;
  /**
   * Suggestions for an option marked `autocomplete` (interaction type 4, answered with type 8 and at most
   * 25 choices). It cannot be deferred: only fast reads.
   */
  autocomplete?(ctx: AutocompleteContext): Promise<{ name: string; value: string }[]>;
}

export interface AutocompleteContext {
  services: Services;
  interaction: APIInteraction;
  tenant: Tenant;
  /** Who is typing (`member.user` in a guild): their open order, if any, is read by id, no customer row made. */
  user: APIUser;
  memberRoleIds: string[];
  /** The option being typed and what was typed so far. */
  focused: { name: string; value: string };
}

export type CommandRoutes = Record<string, Route>;
export type ComponentRoutes = { [K in CustomIdKey]?: Route<CustomIdParams<K>> & { kind: 'component' | 'modal' } };

export function displayName(user: APIUser): string {
  return user.global_name ?? user.username;
}
