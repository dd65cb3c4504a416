// The order session state machine (spec 004):
//   COLLECTING_ITEMS -> COLLECTING_SHIPPING -> SELECTING_PAYMENT -> READY_TO_SUBMIT -> SUBMITTED
// The state of an open session is derived from what it holds (the first thing still missing), so editing
// an earlier step never leaves a stale state: removing the last item goes back to COLLECTING_ITEMS, adding
// one again returns to wherever the session was. SUBMITTED is terminal and set only by submit.
import type { OrderSessionState } from '../../../generated/prisma/index.js';

export interface SessionFacts {
  itemCount: number;
  hasAddress: boolean;
  hasPaymentMethod: boolean;
}

export function deriveState(f: SessionFacts): Exclude<OrderSessionState, 'SUBMITTED'> {
  if (f.itemCount === 0) return 'COLLECTING_ITEMS';
  if (!f.hasAddress) return 'COLLECTING_SHIPPING';
  if (!f.hasPaymentMethod) return 'SELECTING_PAYMENT';
  return 'READY_TO_SUBMIT';
}
