// npm run discord:register [-- --guild <id>] [--dry-run]
// Sends the command definitions (src/surfaces/discord/commands/definitions.ts, the same data the runtime
// routes) to Discord: globally (PUT /applications/{app}/commands; can take up to an hour to show) or to one
// guild for instant updates (PUT /applications/{app}/guilds/{guild}/commands). PUT replaces the whole list,
// so commands removed from the definitions disappear too. Needs DISCORD_APPLICATION_ID and
// DISCORD_BOT_TOKEN; DISCORD_API_BASE_URL points it elsewhere (the fake API in tests).
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { Routes } from 'discord-api-types/v10';
import { loadEnv, ConfigError } from '../src/config/env.js';
import { COMMAND_DEFINITIONS } from '../src/surfaces/discord/commands/definitions.js';
import { createDiscordRest } from '../src/adapters/discord/discord-rest.js';

const { values } = parseArgs({
  options: { guild: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
});

if (values.help) {
  console.log('Usage: npm run discord:register [-- --guild <guildId>] [--dry-run]');
  process.exit(0);
}
if (values['dry-run']) {
  console.log(JSON.stringify(COMMAND_DEFINITIONS, null, 2));
  process.exit(0);
}

try {
  // Only the Discord variables matter here: not the production ones a server needs (a database, secrets), so an
  // operator can register from any shell with the application's id and token.
  const env = loadEnv({ ...process.env, NODE_ENV: 'development' });
  const problems: string[] = [];
  if (!env.DISCORD_APPLICATION_ID) problems.push('DISCORD_APPLICATION_ID: required (the application id from the Discord developer portal)');
  if (!env.DISCORD_BOT_TOKEN) problems.push('DISCORD_BOT_TOKEN: required (the bot token)');
  if (values.guild !== undefined && !/^\d{15,21}$/.test(values.guild)) problems.push('--guild: a Discord guild id (snowflake)');
  if (problems.length) throw new ConfigError(problems);
  const rest = createDiscordRest({ apiBaseUrl: env.DISCORD_API_BASE_URL, botToken: env.DISCORD_BOT_TOKEN });
  // @discordjs/rest waits a rate limit out by itself; say so instead of sitting silent (a global limit can be minutes).
  rest.on('rateLimited', (info) => {
    const seconds = Math.ceil(Math.max(info.retryAfter, info.timeToReset) / 1000);
    console.error(
      `Discord is rate limiting ${info.global ? 'this bot (global limit)' : info.route}: waiting ${seconds} s, then trying again (Ctrl-C to stop).`,
    );
  });
  const appId = env.DISCORD_APPLICATION_ID!;
  const route = values.guild ? Routes.applicationGuildCommands(appId, values.guild) : Routes.applicationCommands(appId);
  const saved = (await rest.put(route, { body: COMMAND_DEFINITIONS })) as { name: string }[];
  console.log(
    `Registered ${saved.length} commands ${values.guild ? `in guild ${values.guild} (available now)` : 'globally (may take up to an hour to appear)'}:`,
  );
  console.log(`  ${saved.map((c) => `/${c.name}`).join(' ')}`);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(`Registration failed: ${(err as Error).message}`);
  process.exit(1);
}
