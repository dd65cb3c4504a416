// The jobs that post to or edit in a shop's admin channel join one graphile-worker queue per shop, so they run
// one at a time, in order (an order's "paid" edit after its post), and take at most one worker slot per shop
// (docs/decisions/admin-channel-queue.md).
//
// Why: Discord limits messages per channel (its message bucket: 5 per 5 s), and @discordjs/rest waits a bucket
// out inside the call, so a job waiting on it holds its worker slot. Without a queue, an order storm of one
// shop filled every slot (WORKER_CONCURRENCY) with admin posts waiting on that one channel, and every other
// job, of every shop, waited behind them: with 30 orders the customers' DMs came at the channel's pace (the
// last 20.5 s after the worker started). Queued, the DMs, reminders, role changes, webhooks and the other
// shops' admin posts go on in the other slots (test/scale/admin-channel-queue.test.ts).
import { perTenantQueue } from '../../../platform/jobs/queue.js';

/** The queues' name before `:<tenantId>` (benchmarks count these jobs apart: scripts/lib/job-backlog.ts). */
export const ADMIN_CHANNEL_QUEUE_NAME = 'discord-admin';

export const ADMIN_CHANNEL_QUEUE = perTenantQueue(ADMIN_CHANNEL_QUEUE_NAME);
