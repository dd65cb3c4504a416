// Routes a verified interaction to its handler: by command name, by custom-id prefix (components) and by
// modal id. Before any handler runs: the tenant is resolved from the signed guild id (DMs and unlinked
// guilds get a clear ephemeral answer), admin-only routes are checked, a route that will wait on a slow outside
// service is deferred, and the interaction id is claimed (a replay runs nothing; a route that only shows
// something is not claimed, and a replay shows it again). Every path answers with a response Discord accepts
// (never a 500), within 3 s (see deferral.ts).
import {
  InteractionResponseType,
  InteractionType,
  type APIInteraction,
  type APIInteractionResponse,
  type APIUser,
} from 'discord-api-types/v10';
import type { Services } from './services.js';
import type { Customer } from '../../generated/prisma/index.js';
import type { Logger } from '../../platform/logger.js';
import { isDiscordAdmin } from './admin-check.js';
import { displayName, type HandlerContext, type Route } from './context.js';
import { parseCustomId } from './custom-id.js';
import { answerInTime, immediateOnly, startDeadline } from './deferral.js';
import { errorReply } from './error-reply.js';
import { claimCustomerInteraction, claimInteraction, type Claim } from './interaction-dedup.js';
import { COLORS, notice, type MessageData } from './replies.js';
import { COMMAND_ROUTES, COMPONENT_ROUTES } from './routes.js';
import { createTenantCache } from './tenant-cache.js';
import { focusedOption, sentAtOf } from './interaction-data.js';
import { withMissedNotices } from './missed-notices.reply.js';

export const MESSAGES = {
  dm: "Ledgerline works inside a shop's Discord server. Use its commands in the server you want to order from.",
  noTenant: 'This server is not set up for ordering.',
  replay: 'This interaction was already handled.',
  unknownComponent: 'This button or menu is not valid (it may be from an old message). Run `/order` to start again.',
  unknownCommand: 'Unknown command. Run `/help` to see what Ledgerline can do.',
  notAdmin: 'Only shop admins can do that. Nothing was changed.',
} as const;

// One cache per Services instance (tests build several apps in one process).
const tenantCaches = new WeakMap<Services, ReturnType<typeof createTenantCache>>();
function tenantForGuild(services: Services, guildId: string) {
  let cache = tenantCaches.get(services);
  if (!cache) tenantCaches.set(services, (cache = createTenantCache((g) => services.tenants.byGuild(g))));
  return cache(guildId);
}

/** The caller's Discord names, as the customer row keeps them (modules/customers/discord-customer.sql.ts). */
const profileOf = (user: APIUser) => ({ discordUserId: user.id, username: user.username, displayName: user.global_name ?? undefined });

export async function handleInteraction(
  services: Services,
  interaction: APIInteraction,
  reqCtx: { requestId: string; log?: Logger },
): Promise<APIInteractionResponse> {
  const log = reqCtx.log ?? services.logger;
  const requestId = reqCtx.requestId;
  if (interaction.type === InteractionType.ApplicationCommandAutocomplete) return autocomplete(services, interaction, log);
  const guildId = interaction.guild_id;
  const user: APIUser | undefined = interaction.member?.user ?? interaction.user;
  if (!guildId || !interaction.member || !user) return notice(MESSAGES.dm, COLORS.warn);

  // The 3-second budget starts now, when the request arrived: the tenant lookup, the de-duplication claim
  // and the customer read below wait on the database too, and under contention (many /refund on one
  // order) they alone could push the answer past Discord's deadline.
  const deadline = startDeadline(services.env.DISCORD_DEFER_AFTER_MS);
  // When the user sent it, read now as it arrives: its age bounds only delivery, not the waits below (sentAtOf).
  const sentAt = sentAtOf(interaction, services.clock.now());
  let decided: (deferNow: boolean) => void = () => undefined;
  const deferNow = new Promise<boolean>((resolve) => (decided = resolve));
  // Whether the caller passed the route's gates (tenant, admin): only then may a shared message show their work. The
  // tenant they passed as, or false.
  let admitted: (tenantId: string | false) => void = () => undefined;
  const passedGates = new Promise<string | false>((resolve) => (admitted = resolve));
  const work = route(services, interaction, { requestId, log, guildId, user, sentAt, decided, admitted }).catch((err: unknown) =>
    errorReply(err, requestId, log, interaction),
  );
  void work.finally(() => {
    decided(false);
    admitted(false);
  });
  // A button on a shared message that says what it is doing while deferred (Route.whileWorking): shown only for a
  // caller the gates let through (a member refused an admin button does not put the admin post in its working state).
  const resolved = resolveRoute(interaction);
  const working = whileWorking(resolved, interaction, user, log);
  try {
    return await answerInTime({
      interaction,
      work,
      deferNow,
      deadline: deadline.reached,
      rest: services.interactionRest,
      log,
      ...(working
        ? {
            whileWorking: passedGates.then((ok) => (ok ? working : undefined)),
            workingWaitMs: workingWaitMs(services.env.DISCORD_DEFER_AFTER_MS),
            afterPutBack: async () => {
              const tenantId = await passedGates;
              if (tenantId && resolved.ok) await resolved.route.afterPutBack?.(services, tenantId, resolved.params);
            },
          }
        : {}),
    });
  } finally {
    deadline.clear();
  }
}

/**
 * How long a deferral waits for the gates' decision before it shows a working state (then it defers without one): a
 * moment (the decision is one tenant read, usually cached), and never past WORKING_STATE_BY_MS after the request
 * arrived. The deferral is the safety net for a slow answer, and its margin to Discord's 3 s is what a busy machine
 * needs: at the default DISCORD_DEFER_AFTER_MS (2000) it goes out by 2.25 s; at 2500 it waits for nothing.
 */
export function workingWaitMs(deferAfterMs: number): number {
  return Math.max(0, Math.min(WORKING_WAIT_MAX_MS, WORKING_STATE_BY_MS - deferAfterMs));
}
const WORKING_WAIT_MAX_MS = 250;
const WORKING_STATE_BY_MS = 2250;

/**
 * What the clicked message shows while a deferred answer is worked on (Route.whileWorking), or undefined (a bare
 * deferred update): a message echoed in a shape the view cannot read is left as it is.
 */
function whileWorking(resolved: Resolved, interaction: APIInteraction, user: APIUser, log: Logger): MessageData | undefined {
  if (!resolved.ok || !resolved.route.whileWorking) return undefined;
  try {
    return resolved.route.whileWorking(interaction, user);
  } catch (err) {
    log.warn({ err, interactionId: interaction.id }, 'could not show the message in its working state; a bare deferred update instead');
    return undefined;
  }
}

/** Everything after the envelope checks: tenant, route, admin gate, claim, the handler. */
async function route(
  services: Services,
  interaction: APIInteraction,
  r: {
    requestId: string;
    log: Logger;
    guildId: string;
    user: APIUser;
    sentAt: Date | undefined;
    decided: (deferNow: boolean) => void;
    admitted: (tenantId: string | false) => void;
  },
): Promise<APIInteractionResponse> {
  const { requestId, log, guildId, user } = r;
  {
    const tenant = await tenantForGuild(services, guildId);
    if (!tenant) return notice(MESSAGES.noTenant, COLORS.warn);
    const resolved = resolveRoute(interaction);
    if (!resolved.ok) return notice(resolved.message);
    const { route, params } = resolved;
    const member = interaction.member!;
    const isAdmin = isDiscordAdmin(member, tenant, services.env.DISCORD_ADMIN_PERMISSION);
    if (route.adminOnly && !isAdmin) return notice(MESSAGES.notAdmin);
    r.admitted(tenant.id);

    // A route that will reach a slow outside service (deferIf) is deferred now, before the claim and the
    // customer: that answer needs nothing from the database, so Discord's 3 s are never spent waiting on it.
    let customer: Promise<Customer> | undefined;
    const showsOnly = route.showsOnly === true && !route.adminOnly;
    const ctx: HandlerContext = {
      services,
      interaction,
      tenant,
      guildId,
      user,
      memberRoleIds: member.roles,
      isAdmin,
      requestId,
      log,
      sentAt: r.sentAt,
      customer: () =>
        (customer ??= showsOnly
          ? Promise.reject(new Error('a showsOnly route asked for the customer (it would write a first contact)'))
          : services.customers.upsertFromDiscord(tenant.id, profileOf(user))),
      // The name they act under (global_name, else username): kept with the action's audit entry, so the panel and the
      // REST API name them by it (modules/audit/actor-names.ts).
      adminContext: () => ({ tenantId: tenant.id, actor: { type: 'DISCORD_ADMIN', id: user.id, label: displayName(user) } }),
    };
    r.decided(route.deferIf?.(ctx) ?? false);

    // One statement claims the interaction id and, for a customer's click (not admin routes), finds or makes
    // the customer and reads the notices they missed (interaction-dedup.ts). A route that only shows something
    // (showsOnly) is not claimed: a replay shows it again. A replay's notice is an immediate answer only: once
    // the interaction is deferred (up front, or by the safety net while the claim waited), the first delivery
    // answers it and the replay delivers nothing (deferral.ts).
    let claim: Claim;
    if (showsOnly) {
      claim = { claimed: true, notices: [] };
    } else if (route.adminOnly) {
      claim = await claimInteraction(services.sql, interaction.id, tenant.id);
    } else {
      const withCustomer = await claimCustomerInteraction(services.sql, interaction.id, tenant.id, profileOf(user), services.clock.now());
      claim = withCustomer;
      if (withCustomer.claimed) customer = Promise.resolve(withCustomer.customer);
    }
    if (!claim.claimed) return immediateOnly(notice(MESSAGES.replay, COLORS.muted));

    const reply = await route.run(ctx, params);
    return withMissedNotices(services.missedNotices, tenant.id, interaction, reply, claim.notices);
  }
}

/**
 * Autocomplete (type 4 -> 8): the command's suggestions for the focused option, in the caller's tenant.
 * Nothing is claimed or written (Discord sends one per keystroke); any failure suggests nothing.
 */
async function autocomplete(services: Services, interaction: APIInteraction, log: Logger): Promise<APIInteractionResponse> {
  const none: APIInteractionResponse = { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } };
  try {
    const guildId = interaction.guild_id;
    const focused = focusedOption(interaction);
    const name = (interaction.data as { name?: unknown } | undefined)?.name;
    const route = typeof name === 'string' ? COMMAND_ROUTES[name] : undefined;
    const user: APIUser | undefined = interaction.member?.user ?? interaction.user;
    if (!guildId || !interaction.member || !user || !focused || !route?.autocomplete) return none;
    const tenant = await tenantForGuild(services, guildId);
    if (!tenant) return none;
    const choices = await route.autocomplete({ services, interaction, tenant, user, memberRoleIds: interaction.member.roles, focused });
    return {
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: choices.slice(0, 25).map((c) => ({ name: c.name.slice(0, 100), value: c.value.slice(0, 100) })) },
    };
  } catch (err) {
    log.warn({ err }, 'autocomplete failed; no suggestions');
    return none;
  }
}

type Resolved = { ok: true; route: Route<unknown>; params: unknown } | { ok: false; message: string };

function resolveRoute(interaction: APIInteraction): Resolved {
  if (interaction.type === InteractionType.ApplicationCommand) {
    const route = COMMAND_ROUTES[interaction.data.name];
    return route ? { ok: true, route: route as Route<unknown>, params: undefined } : { ok: false, message: MESSAGES.unknownCommand };
  }
  if (interaction.type === InteractionType.MessageComponent || interaction.type === InteractionType.ModalSubmit) {
    const parsed = parseCustomId(interaction.data.custom_id);
    if (!parsed.ok) return { ok: false, message: MESSAGES.unknownComponent };
    const route = COMPONENT_ROUTES[parsed.id.key];
    const kind = interaction.type === InteractionType.ModalSubmit ? 'modal' : 'component';
    if (!route || route.kind !== kind) return { ok: false, message: MESSAGES.unknownComponent };
    return { ok: true, route: route as Route<unknown>, params: parsed.id.params };
  }
  return { ok: false, message: MESSAGES.unknownCommand };
}
