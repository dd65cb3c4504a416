// The 3-second rule. A handler's answer must reach Discord within 3 s. Handlers that call a slow outside
// service (tax at the review step, address validation) ask to defer up front; any other interaction that
// has not been answered DISCORD_DEFER_AFTER_MS after its request ARRIVED (the deadline is started by
// dispatch before its own database reads: tenant, de-duplication, customer) is deferred too. A deferred interaction is answered
// with type 6 (components, and modals opened from a message) or type 5 (commands, ephemeral), and the real
// answer is delivered later through the interaction webhook: PATCH .../messages/@original, or a follow-up
// message when the handler wanted a new message rather than an update. A button whose route says what its
// message shows meanwhile (Route.whileWorking: the admin post's "Approving…") is answered with type 7 and that
// message instead; an answer that is then not an update goes out as a follow-up and the message is put back, then
// drawn again from what is true now where the route says how (Route.afterPutBack).
import {
  Routes,
  InteractionResponseType,
  MessageFlags,
  InteractionType,
  type APIInteraction,
  type APIInteractionResponse,
} from 'discord-api-types/v10';
import type { REST } from '@discordjs/rest';
import type { Logger } from '../../platform/logger.js';
import { update, type MessageData } from './replies.js';

export const DEFER_AFTER_MS = 2000;
const UP_FRONT = Symbol('deferred up front');
const DEADLINE = Symbol('deadline reached');

// Why an answer is a deferral: the route asked (a slow outside service), or the safety net's deadline came.
const deferrals = new WeakMap<APIInteractionResponse, 'up_front' | 'deadline'>();

/**
 * The metrics outcome of answerInTime's result: ok (a direct answer), deferred (up front) or deferred_late (the
 * safety net's deadline came first: the service was slow).
 */
export function answerOutcome(answer: APIInteractionResponse): 'ok' | 'deferred' | 'deferred_late' {
  const reason = deferrals.get(answer);
  return reason === 'deadline' ? 'deferred_late' : reason === 'up_front' ? 'deferred' : 'ok';
}

/** A running deferral timer: `reached` resolves when the time is up; `clear` stops it. */
export interface DeferralDeadline {
  reached: Promise<void>;
  clear(): void;
}

/** Starts the timer now (when the request arrives). */
export function startDeadline(ms: number): DeferralDeadline {
  let timer: NodeJS.Timeout | undefined;
  const reached = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { reached, clear: () => clearTimeout(timer) };
}

// Answers that make sense only as the immediate answer to their request (a replay's "already handled"): once
// that request was deferred, they are not delivered. A replayed delivery's deferral does not reach the user
// (Discord takes the first answer to an interaction); its webhook edit would overwrite what the first
// delivery answered on the same token.
const immediateOnlyAnswers = new WeakSet<APIInteractionResponse>();

/** Marks `answer` as immediate-only (see above) and returns it. */
export function immediateOnly(answer: APIInteractionResponse): APIInteractionResponse {
  immediateOnlyAnswers.add(answer);
  return answer;
}

export function deferredResponseFor(interaction: APIInteraction, whileWorking?: MessageData): APIInteractionResponse {
  const onMessage =
    interaction.type === InteractionType.MessageComponent || (interaction.type === InteractionType.ModalSubmit && interaction.message);
  // The message in its working state (the admin post "Approving…", its buttons disabled), not left as it was.
  if (onMessage && whileWorking) return update(whileWorking);
  return onMessage
    ? { type: InteractionResponseType.DeferredMessageUpdate }
    : { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } };
}

/**
 * The work's answer if it comes before the deadline (and `deferNow` is false), else the deferred response,
 * with the work's answer delivered through the interaction webhook when it is ready. `deferNow` may be a
 * promise: dispatch knows whether the route defers up front only once it has resolved the tenant.
 */
export async function answerInTime(opts: {
  interaction: APIInteraction;
  work: Promise<APIInteractionResponse>;
  deferNow: boolean | Promise<boolean>;
  /** When to give up waiting (default: DEFER_AFTER_MS from now). */
  deadline?: Promise<void>;
  /**
   * What the component's message shows while deferred (Route.whileWorking); a bare deferred update without it. A
   * promise when it is shown only to a caller the route's gate lets through (dispatch: an admin-only route's working
   * state is never shown for someone it refuses): it resolves to the message once the gate let the caller through, to
   * undefined otherwise. The deferral waits for it at most `workingWaitMs`, then defers without it.
   */
  whileWorking?: MessageData | Promise<MessageData | undefined>;
  workingWaitMs?: number;
  /** Called once the message was put back as it was (the working state, then an answer that was not an update). */
  afterPutBack?: () => Promise<void>;
  rest: REST;
  log: Logger;
}): Promise<APIInteractionResponse> {
  const { interaction, work } = opts;
  const own = opts.deadline ? undefined : startDeadline(DEFER_AFTER_MS);
  const deadline = opts.deadline ?? own!.reached;
  const deferNow = Promise.resolve(opts.deferNow).then((now): Promise<typeof UP_FRONT> =>
    now ? Promise.resolve(UP_FRONT) : new Promise<never>(() => undefined),
  );
  const winner = await Promise.race([work, deadline.then((): typeof DEADLINE => DEADLINE), deferNow]);
  own?.clear();
  if (winner !== UP_FRONT && winner !== DEADLINE) return winner;
  const working = await workingState(opts.whileWorking, work, opts.workingWaitMs ?? 0);
  // The work answered while its working state was decided: that answer, at once (still within Discord's 3 s).
  if (working.done) return working.done;
  const deferred = deferredResponseFor(interaction, working.shown);
  deferrals.set(deferred, winner === UP_FRONT ? 'up_front' : 'deadline');
  void work
    .then((result) => {
      if (immediateOnlyAnswers.has(result)) {
        opts.log.info({ interactionId: interaction.id }, 'a replayed interaction was deferred: its first delivery answers it');
        return;
      }
      return deliverLater(opts.rest, interaction, deferred, result, opts.afterPutBack);
    })
    .catch((err) => opts.log.error({ err, interactionId: interaction.id }, 'could not deliver a deferred interaction answer'));
  return deferred;
}

/**
 * The working state a deferral shows: the message itself, or what its promise gives within `waitMs` (undefined after
 * that: a bare deferral). `done`: the work answered first, and that answer can be given at once instead.
 */
async function workingState(
  whileWorking: MessageData | Promise<MessageData | undefined> | undefined,
  work: Promise<APIInteractionResponse>,
  waitMs: number,
): Promise<{ shown?: MessageData; done?: APIInteractionResponse }> {
  if (!(whileWorking instanceof Promise)) return { shown: whileWorking };
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then((done) => ({ done })),
      whileWorking.then((shown) => ({ shown })),
      new Promise<{ shown?: MessageData }>((resolve) => {
        timer = setTimeout(() => resolve({}), waitMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function deliverLater(
  rest: REST,
  interaction: APIInteraction,
  deferred: APIInteractionResponse,
  result: APIInteractionResponse,
  afterPutBack?: () => Promise<void>,
): Promise<void> {
  const appId = interaction.application_id;
  const token = interaction.token;
  if (result.type === InteractionResponseType.Modal) {
    // A modal can only be a first response; tell the user to click again (it will be fast the second time).
    await rest.post(Routes.webhook(appId, token), {
      body: { content: 'That took too long. Please try again.', flags: MessageFlags.Ephemeral },
      auth: false,
    });
    return;
  }
  const data = 'data' in result && result.data ? (result.data as Record<string, unknown>) : {};
  const body = { content: data.content, embeds: data.embeds, components: data.components, allowed_mentions: data.allowed_mentions };
  const wantsNewMessage = result.type === InteractionResponseType.ChannelMessageWithSource;
  if (deferred.type === InteractionResponseType.DeferredMessageUpdate && wantsNewMessage) {
    await rest.post(Routes.webhook(appId, token), { body: { ...body, flags: MessageFlags.Ephemeral }, auth: false });
    return;
  }
  if (deferred.type === InteractionResponseType.UpdateMessage && wantsNewMessage) {
    // The message was put in its working state, and the answer is not an update of it (a refusal, an error): the
    // answer goes to the user alone, and the message is put back as it was (its buttons live again).
    await rest.post(Routes.webhook(appId, token), { body: { ...body, flags: MessageFlags.Ephemeral }, auth: false });
    const was = 'message' in interaction ? interaction.message : undefined;
    if (was) {
      await rest.patch(Routes.webhookMessage(appId, token, '@original'), {
        body: { embeds: was.embeds, components: was.components, allowed_mentions: { parse: [] } },
        auth: false,
      });
      // "As it was" is as the press saw it: a decision another admin made meanwhile may have been drawn over.
      await afterPutBack?.();
    }
    return;
  }
  await rest.patch(Routes.webhookMessage(appId, token, '@original'), { body, auth: false });
}
