// Whether an interaction came from a message of the rich /order flow (one whose components use `order:` ids): its
// answers update that message in place (handlers/order-flow.ts flowReply), and an error that ends the flow replaces
// it (error-reply.ts errorReply). And the keys such a message is recorded under for the order session it shows
// (handlers/order-flow.ts onItsSession): its id, and the interaction whose answer made it. Discord names that
// interaction on every press (message.interaction_metadata.id), so a message is known from the moment the answer that
// made it was given, before anyone pressed on it (an answer does not learn its message's id).
import {
  ComponentType,
  InteractionResponseType,
  InteractionType,
  type APIInteraction,
  type APIInteractionResponse,
} from 'discord-api-types/v10';

type Rows = { components?: { type: number; custom_id?: string }[] }[];

function hasFlowComponents(rows: Rows): boolean {
  return rows.some((r) =>
    r.components?.some(
      (c) => (c.type === ComponentType.Button || c.type === ComponentType.StringSelect) && c.custom_id?.startsWith('order:'),
    ),
  );
}

export function isFlowMessage(interaction: APIInteraction): boolean {
  if (interaction.type !== InteractionType.MessageComponent && interaction.type !== InteractionType.ModalSubmit) return false;
  return hasFlowComponents((interaction.message?.components ?? []) as Rows);
}

/** The key of the message made by the answer to interaction `interactionId`. */
export const madeByKey = (interactionId: string) => `i:${interactionId}`;

/**
 * The keys of the flow message the interaction came from (a modal opened from one comes from it too): its id, and
 * the interaction whose answer made it when Discord says (interaction_metadata); [] when it came from none.
 */
export function flowMessageKeys(interaction: APIInteraction): string[] {
  if (!isFlowMessage(interaction)) return [];
  const message = (interaction as { message?: { id?: unknown; interaction_metadata?: { id?: unknown } } }).message;
  const keys: string[] = [];
  if (typeof message?.id === 'string') keys.push(message.id);
  const madeBy = message?.interaction_metadata?.id;
  if (typeof madeBy === 'string') keys.push(madeByKey(madeBy));
  return keys;
}

/** Whether an answer makes a new message of the flow (not an update of the message pressed on). */
export function makesFlowMessage(reply: APIInteractionResponse): boolean {
  if (reply.type !== InteractionResponseType.ChannelMessageWithSource) return false;
  return hasFlowComponents((reply.data?.components ?? []) as Rows);
}
