// The errors about the session itself, in the module's words: no surface's commands are named here. The
// `session` detail tells a surface which case it is, so it can add its own way forward (Discord: "run
// /order"; the REST API has none).
import { AppError } from '../../../platform/errors.js';

export type SessionProblem = 'none' | 'expired' | 'cancelled' | 'other';

export const noSession = () => new AppError('NOT_FOUND', 'You have no order in progress.', { session: 'none' satisfies SessionProblem });
export const sessionExpired = () =>
  new AppError('SESSION_EXPIRED', 'Your order session expired after a period of inactivity.', {
    session: 'expired' satisfies SessionProblem,
  });
export const sessionCancelled = () =>
  new AppError('ILLEGAL_STATE', 'This order was cancelled.', { session: 'cancelled' satisfies SessionProblem });
/** A step pressed on a screen of the customer's earlier, ended session while another is open: nothing is done. */
export const otherSession = () =>
  new AppError(
    'CONFLICT',
    'This message is from an earlier order that has ended, so nothing was changed. Your current order is as it was.',
    {
      session: 'other' satisfies SessionProblem,
    },
  );
