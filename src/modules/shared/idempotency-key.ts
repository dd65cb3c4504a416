// The idempotency key a command is given (a receipt, a refund): the caller's key, prefixed by the surface it came from
// ("api:", "discord:"). A surface takes keys of up to 200 characters (the REST API's Idempotency-Key), so the module
// takes those and a prefix: capped at 200, a documented 200-character key sent to POST …/payment/receipts ("api:" and
// the key) was refused as a body field the caller never sent.
import { z } from 'zod';

export const idempotencyKeySchema = z.string().trim().min(1).max(250);
