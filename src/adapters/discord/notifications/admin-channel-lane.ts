// The jobs that post to or edit in a shop's admin channel run in the shop's lane (platform/jobs/lanes.ts): one
// at a time and in order per shop (an order's post before its "paid" edit), and never more than one worker
// slot per shop (docs/decisions/admin-channel-lanes.md).
//
// Why: Discord limits messages per channel (its message bucket: 5 per 5 s). Outside a lane @discordjs/rest
// waits a bucket out inside the call, holding its worker slot: an order storm of one shop filled every slot
// (WORKER_CONCURRENCY) with admin posts waiting on that one channel, and every other job of every shop waited
// behind them. Inside a lane the rate limit is thrown (discord-rest.ts), and the lane waits for the bucket's
// reset with no slot held, so the customers' DMs, role changes, webhooks and the other shops' admin posts go on
// (test/scale/admin-channel-lane.test.ts). Each shop has a lane of its own, so no shop waits for another's
// channel; graphile-worker's named queues shared by several shops made them wait, and a named queue per shop
// made every job fetch dearer with each shop.
import { defineLane } from '../../../platform/jobs/lanes.js';

export const ADMIN_CHANNEL_LANE = defineLane('discord-admin');
