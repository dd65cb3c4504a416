// The words for a refund's mode wherever a person reads them instead of the stored enum ("PARTIAL_AMOUNT"): the
// spec's own names for the modes (spec 000 "Refund Modes": Full refund, Partial by amount, Partial by items, Both),
// which the panel's refund form offers. One list for the panel (surfaces/admin/presentation/labels.ts: the order's
// refunds, the history) and Discord's /refund answer, so the two never say different things.
import type { RefundMode } from '../../generated/prisma/index.js';

export const REFUND_MODE_LABELS: Record<RefundMode, string> = {
  FULL: 'Full refund',
  PARTIAL_AMOUNT: 'Partial by amount',
  PARTIAL_ITEMS: 'Partial by items',
  BOTH: 'Both (items and an amount)',
};
