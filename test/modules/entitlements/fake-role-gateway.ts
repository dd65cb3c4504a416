// An in-memory RoleGateway (the port, not an ORM mock): it keeps each member's roles, records every call,
// and fails the next calls on demand, the way the Discord implementation would.
import type { RoleGateway } from '../../../src/modules/entitlements/role-gateway.port.js';

export interface GatewayCall {
  op: 'add' | 'remove';
  guildId: string;
  userId: string;
  roleId: string;
  reason: string;
  ok: boolean;
}

export class FakeRoleGateway implements RoleGateway {
  readonly calls: GatewayCall[] = [];
  private readonly roles = new Map<string, Set<string>>();
  private readonly failures: Error[] = [];
  private failingWith?: Error;

  /** The next `errors.length` calls throw these errors, in order. */
  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  /** Every call (after those of failNext) throws `error` until called again without one: a gateway down until the test says. */
  failUntilCleared(error?: Error): void {
    this.failingWith = error;
  }

  rolesOf(guildId: string, userId: string): string[] {
    return [...(this.roles.get(`${guildId}/${userId}`) ?? [])];
  }

  /** Successful calls of one kind for one role. */
  succeeded(op: 'add' | 'remove', roleId: string): number {
    return this.calls.filter((c) => c.op === op && c.roleId === roleId && c.ok).length;
  }

  async addRole(guildId: string, userId: string, roleId: string, reason: string): Promise<void> {
    this.call('add', guildId, userId, roleId, reason);
    const key = `${guildId}/${userId}`;
    this.roles.set(key, new Set([...(this.roles.get(key) ?? []), roleId]));
  }

  async removeRole(guildId: string, userId: string, roleId: string, reason: string): Promise<void> {
    this.call('remove', guildId, userId, roleId, reason);
    this.roles.get(`${guildId}/${userId}`)?.delete(roleId);
  }

  private call(op: 'add' | 'remove', guildId: string, userId: string, roleId: string, reason: string): void {
    const failure = this.failures.shift() ?? this.failingWith;
    this.calls.push({ op, guildId, userId, roleId, reason, ok: !failure });
    if (failure) throw failure;
  }
}
