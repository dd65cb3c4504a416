// Servers for the fake Discord API (src/dev/fake-discord-api.ts): roles with positions and permissions,
// members with their roles, and the bot's own member, so role changes succeed or fail the way Discord's
// do (403 50013 without Manage Roles or when the bot's highest role is not above the role, 404 10011
// unknown role, 404 10007 unknown member) and the member list pages like Discord's (limit, after).
// Only servers added here are answered; any other guild falls through to the fake's other routes.

export interface FakeRole {
  id: string;
  name: string;
  position: number;
  /** Decimal permission bit set, as Discord sends it. */
  permissions: string;
  managed?: boolean;
}

interface FakeGuild {
  roles: Map<string, FakeRole>;
  members: Map<string, Set<string>>;
}

export const PERMISSIONS = { ADMINISTRATOR: 1n << 3n, MANAGE_ROLES: 1n << 28n } as const;

let seq = 0n;
function snowflake(): string {
  seq += 1n;
  return ((BigInt(Date.now()) - 1420070400000n) * 4194304n + 100000n + (seq % 4000000n)).toString();
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
}

export class FakeDiscordGuilds {
  /** The bot's user id (GET /users/@me). */
  readonly botUserId = snowflake();
  /** Where GET /gateway/bot sends @discordjs/ws: a FakeDiscordGateway's url (unset: 404). */
  gatewayUrl = '';
  private readonly guilds = new Map<string, FakeGuild>();

  /**
   * Adds a server with `roles` (an @everyone role with the guild's id is added at position 0) and the bot
   * as a member holding `botRoleIds`.
   */
  addGuild(guildId: string, opts: { roles: FakeRole[]; botRoleIds: string[] }): void {
    const roles = new Map<string, FakeRole>([[guildId, { id: guildId, name: '@everyone', position: 0, permissions: '0' }]]);
    for (const r of opts.roles) roles.set(r.id, { ...r });
    this.guilds.set(guildId, { roles, members: new Map([[this.botUserId, new Set(opts.botRoleIds)]]) });
  }

  hasGuild(guildId: string): boolean {
    return this.guilds.has(guildId);
  }

  addMember(guildId: string, userId: string, roleIds: string[] = []): void {
    this.guild(guildId).members.set(userId, new Set(roleIds));
  }

  removeMember(guildId: string, userId: string): void {
    this.guild(guildId).members.delete(userId);
  }

  /** The member's roles, or undefined when not in the server. */
  memberRoles(guildId: string, userId: string): string[] | undefined {
    const roles = this.guild(guildId).members.get(userId);
    return roles ? [...roles] : undefined;
  }

  /** Changes a role the way an admin would in Server Settings (position, permissions). */
  updateRole(guildId: string, roleId: string, patch: Partial<Omit<FakeRole, 'id'>>): void {
    const role = this.guild(guildId).roles.get(roleId);
    if (!role) throw new Error(`fake guild ${guildId} has no role ${roleId}`);
    Object.assign(role, patch);
  }

  /** A role taken away by hand (a moderator), not through the API. */
  takeRole(guildId: string, userId: string, roleId: string): void {
    this.guild(guildId).members.get(userId)?.delete(roleId);
  }

  /** Answers the request when it is about a server added here; undefined lets the fake's other routes answer. */
  handle(method: string, path: string, query: URLSearchParams): FakeAnswer | undefined {
    if (method === 'GET' && path === '/gateway/bot' && this.gatewayUrl) {
      return {
        status: 200,
        body: {
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
        },
      };
    }
    if (method === 'GET' && path === '/users/@me')
      return {
        status: 200,
        body: { id: this.botUserId, username: 'Ledgerline', discriminator: '0', bot: true, global_name: null, avatar: null },
      };
    const m = path.match(/^\/guilds\/(\d+)(\/.*)?$/);
    const guild = m ? this.guilds.get(m[1]!) : undefined;
    if (!m || !guild) return undefined;
    const rest = m[2] ?? '';
    let match: RegExpMatchArray | null;
    if (method === 'GET' && rest === '/roles') return { status: 200, body: [...guild.roles.values()].map(roleJson) };
    if (method === 'GET' && rest === '/members') {
      const limit = Number(query.get('limit') ?? 1);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
      const after = BigInt(query.get('after') ?? '0');
      const page = [...guild.members.keys()]
        .filter((id) => BigInt(id) > after)
        .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
        .slice(0, limit)
        .map((id) => memberJson(id, guild.members.get(id)!));
      return { status: 200, body: page };
    }
    if ((match = rest.match(/^\/members\/(\d+)$/)) && method === 'GET') {
      const roles = guild.members.get(match[1]!);
      return roles ? { status: 200, body: memberJson(match[1]!, roles) } : unknownMember;
    }
    if ((match = rest.match(/^\/members\/(\d+)\/roles\/(\d+)$/)) && (method === 'PUT' || method === 'DELETE')) {
      const [, userId, roleId] = match as unknown as [string, string, string];
      const role = guild.roles.get(roleId);
      if (!role) return { status: 404, body: { message: 'Unknown Role', code: 10011 } };
      const member = guild.members.get(userId);
      if (!member) return unknownMember;
      if (!this.botCanManage(guild, m[1]!, role)) return { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
      if (method === 'PUT') member.add(roleId);
      else member.delete(roleId);
      return { status: 204 };
    }
    return undefined;
  }

  private botCanManage(guild: FakeGuild, guildId: string, role: FakeRole): boolean {
    const botRoles = [...(guild.members.get(this.botUserId) ?? [])].map((id) => guild.roles.get(id)).filter((r): r is FakeRole => !!r);
    let perms = BigInt(guild.roles.get(guildId)?.permissions ?? '0');
    for (const r of botRoles) perms |= BigInt(r.permissions);
    if ((perms & (PERMISSIONS.ADMINISTRATOR | PERMISSIONS.MANAGE_ROLES)) === 0n) return false;
    if (role.managed) return false;
    const top = Math.max(0, ...botRoles.map((r) => r.position));
    return top > role.position;
  }

  private guild(guildId: string): FakeGuild {
    const g = this.guilds.get(guildId);
    if (!g) throw new Error(`fake guild ${guildId} was not added`);
    return g;
  }
}

const unknownMember: FakeAnswer = { status: 404, body: { message: 'Unknown Member', code: 10007 } };

function roleJson(r: FakeRole) {
  return {
    id: r.id,
    name: r.name,
    color: 0,
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: r.position,
    permissions: r.permissions,
    managed: !!r.managed,
    mentionable: false,
    flags: 0,
  };
}

function memberJson(userId: string, roles: Set<string>) {
  return {
    user: { id: userId, username: `user${userId.slice(-4)}`, discriminator: '0', global_name: null, avatar: null },
    nick: null,
    roles: [...roles],
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
  };
}
