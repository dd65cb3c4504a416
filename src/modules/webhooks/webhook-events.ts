// The event types a shop's webhook endpoint can subscribe to: the order events of the domain
// (modules/shared/events.ts), under the same names.
import { EVENTS } from '../shared/events.js';

export const WEBHOOK_EVENTS = [
  EVENTS.orderCreated,
  EVENTS.orderPaid,
  EVENTS.orderRefunded,
  EVENTS.orderCancelled,
  EVENTS.orderShipped,
  EVENTS.orderDelivered,
  EVENTS.orderDeleted,
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
