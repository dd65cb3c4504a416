// The record of a provider webhook event (provider_webhook_events: one row per provider, connection and event id),
// written in the transaction that acts on the event, so a redelivery of an event acted on is a duplicate. One
// recorded only as "unusable" (acknowledged without being used: checkout.service.ts acknowledgeUnusable) is not:
// the cause may have been ours and fixed since (a connection naming the wrong store), and the provider's resend is
// the only way left to apply it. Such an event is processed again and its row becomes what it is now. Two resends
// at once: the second's update waits for the first's row lock, then finds the row used, and its insert is the
// duplicate (P2002) its caller already answers.
import type { PaymentProvider } from '../../../generated/prisma/index.js';
import type { Tx } from '../../../platform/db/prisma.js';

/** The outcome of an event acknowledged without being used: a later delivery of it is processed again. */
export const UNUSABLE_OUTCOME = 'unusable';

export interface WebhookEventRow {
  provider: PaymentProvider;
  connectionId: string;
  eventId: string;
  type: string;
  checkoutId: string | null;
  outcome: string;
}

/** Records the event (P2002 when it was recorded as used already), replacing a record of it as unusable. */
export async function recordWebhookEvent(tx: Pick<Tx, 'providerWebhookEvent'>, row: WebhookEventRow): Promise<void> {
  const { provider, connectionId, eventId, type, checkoutId, outcome } = row;
  const replaced = await tx.providerWebhookEvent.updateMany({
    where: { provider, connectionId, eventId, outcome: UNUSABLE_OUTCOME },
    data: { type, checkoutId, outcome },
  });
  if (replaced.count === 0) await tx.providerWebhookEvent.create({ data: row });
}
