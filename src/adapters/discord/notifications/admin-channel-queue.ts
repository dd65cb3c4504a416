// The jobs that post to or edit in a shop's admin channel join a graphile-worker queue, the same one for all of
// a shop's jobs, so they run one at a time, in order (an order's "paid" edit after its post), and a shop's
// admin traffic takes at most one worker slot (docs/decisions/admin-channel-queue.md).
//
// Why: Discord limits messages per channel (its message bucket: 5 per 5 s), and @discordjs/rest waits a bucket
// out inside the call, so a job waiting on it holds its worker slot. Without a queue, an order storm of one
// shop filled every slot (WORKER_CONCURRENCY) with admin posts waiting on that one channel, and every other
// job, of every shop, waited behind them: with 30 orders the customers' DMs came at the channel's pace (the
// last 20.5 s after the worker started). Queued, the DMs, reminders, role changes, webhooks and the other
// shops' admin posts go on in the other slots (test/scale/admin-channel-queue.test.ts).
//
// The shops share ADMIN_CHANNEL_QUEUES queues (by a hash of the shop's id), not one queue each: graphile-worker
// locks every idle queue row on each job fetch while a queued job waits, so a queue per shop made every fetch
// cost more with each shop that had ever posted (1,000 shops: 57 KB of WAL per fetch, 4 KB with 64 queues). The
// price: a shop in a storm delays the admin posts of the shops that share its queue, 1 in 64 of them.
import { shardOf, tenantShardQueue } from '../../../platform/jobs/queue.js';

/** The queues' name before `:<shard>` (benchmarks count these jobs apart: scripts/lib/job-backlog.ts). */
export const ADMIN_CHANNEL_QUEUE_NAME = 'discord-admin';

/** How many queues the shops' admin-channel jobs are spread over. */
export const ADMIN_CHANNEL_QUEUES = 64;

export const ADMIN_CHANNEL_QUEUE = tenantShardQueue(ADMIN_CHANNEL_QUEUE_NAME, ADMIN_CHANNEL_QUEUES);

/** The queue a shop's admin-channel jobs join (what ADMIN_CHANNEL_QUEUE computes in SQL). */
export function adminChannelQueueOf(tenantId: string): string {
  return `${ADMIN_CHANNEL_QUEUE_NAME}:${shardOf(tenantId, ADMIN_CHANNEL_QUEUES)}`;
}
