// Simulator mode for the development server: with no Discord application configured (NODE_ENV is not
// production and DISCORD_BOT_TOKEN is unset, or DISCORD_SIMULATOR=true), the server starts the fake Discord
// API in-process and sends all its Discord REST calls there. `npm run simulate` then signs interactions with
// the generated development key (data/dev-secrets.json) and reads the bot's calls back from the fake's
// GET /__calls. data/simulator.json tells the simulator where both are.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Env } from '../config/env.js';
import type { Db } from '../platform/db/prisma.js';
import { DEMO } from '../seed/demo-seed.js';
import { FakeDiscordApi } from './fake-discord-api.js';
import { FakeDiscordGateway } from './fakes/fake-discord-gateway.js';

export const SIMULATOR_FILE = resolve('data/simulator.json');
export const SIMULATOR_APPLICATION_ID = '100000000000000099';
/** The fake only checks that a bot token is sent; this one is never valid anywhere else. */
const SIMULATOR_BOT_TOKEN = 'simulator-bot-token-not-a-real-token';

export interface SimulatorInfo {
  interactionsUrl: string;
  fakeDiscordUrl: string;
  applicationId: string;
}

export function simulatorWanted(env: Env): boolean {
  if (env.NODE_ENV === 'production') return false;
  return env.DISCORD_SIMULATOR ?? !env.DISCORD_BOT_TOKEN;
}

/** Starts the fake and returns the env the container should use (REST pointed at the fake). */
export async function startSimulatorMode(
  env: Env,
): Promise<{ env: Env; fake: FakeDiscordApi; gateway: FakeDiscordGateway; publish(serverUrl: string): SimulatorInfo }> {
  const fake = await new FakeDiscordApi().start(0, '127.0.0.1');
  // The gateway listener connects here (GET /gateway/bot on the fake API points @discordjs/ws at it).
  const gateway = await new FakeDiscordGateway({ botUserId: fake.guilds.botUserId }).start(0, '127.0.0.1');
  fake.guilds.gatewayUrl = gateway.url;
  const simulated: Env = {
    ...env,
    DISCORD_API_BASE_URL: fake.apiBase,
    DISCORD_BOT_TOKEN: env.DISCORD_BOT_TOKEN && env.DISCORD_SIMULATOR ? env.DISCORD_BOT_TOKEN : SIMULATOR_BOT_TOKEN,
    DISCORD_APPLICATION_ID: env.DISCORD_APPLICATION_ID ?? SIMULATOR_APPLICATION_ID,
  };
  return {
    env: simulated,
    fake,
    gateway,
    publish(serverUrl) {
      const info: SimulatorInfo = {
        interactionsUrl: `${serverUrl}/discord/interactions`,
        fakeDiscordUrl: fake.url,
        applicationId: simulated.DISCORD_APPLICATION_ID!,
      };
      mkdirSync(dirname(SIMULATOR_FILE), { recursive: true });
      writeFileSync(SIMULATOR_FILE, JSON.stringify(info, null, 2));
      return info;
    },
  };
}

const SERVERS_LISTED = 5;

/** The banner's line when the shops could not be read (a hint never fails the start). */
export const SIMULATE_HINT_UNREAD =
  'Try it:  npm run simulate -- --guild <Discord server id>   (npm run simulate alone uses the demo shop)';

/**
 * The banner's "Try it" line. `npm run simulate` plays the demo shop's Discord server unless told `--guild`; on a
 * database without the demo shop that answers "This server is not set up for ordering", so the line names the
 * option and this database's servers (or says to create a shop first).
 */
export async function simulateHint(db: Db): Promise<string> {
  const guilds = await db.guild.findMany({
    select: { id: true, tenant: { select: { name: true } } },
    orderBy: { id: 'asc' },
    take: SERVERS_LISTED + 1,
  });
  if (guilds.some((g) => g.id === DEMO.guildId))
    return 'Try it:  npm run simulate   (or: npm run simulate -- --as customer --command /order)';
  if (guilds.length === 0)
    return 'Try it:  this database has no shop yet: create one (npm run shop:create), then npm run simulate -- --guild <its Discord server id>';
  const listed = guilds.slice(0, SERVERS_LISTED).map((g) => `${g.id} (${g.tenant.name})`);
  const more = guilds.length > SERVERS_LISTED ? ', …' : '';
  return guilds.length === 1
    ? `Try it:  npm run simulate -- --guild ${guilds[0]!.id}   (the Discord server of ${guilds[0]!.tenant.name}; this database has no demo shop)`
    : `Try it:  npm run simulate -- --guild <Discord server id>   (this database has no demo shop; its shops' servers: ${listed.join(', ')}${more})`;
}
