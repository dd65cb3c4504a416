import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from './env.js';

describe('loadEnv', () => {
  it('applies defaults', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.INVOICE_LINK_DEFAULT_TTL_SECONDS).toBe(604800);
    // A fixed port, not 0: a shop's BTCPay connection to the development fake names its address.
    expect(env.DEV_BTCPAY_PORT).toBe(3900);
    expect(loadEnv({ DEV_BTCPAY_PORT: '0' }).DEV_BTCPAY_PORT).toBe(0);
    // Above a load balancer's idle timeout (nginx's upstream keepalive, ALB: 60 s): platform/http-server.ts.
    expect(env.HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
  });

  it('lists every problem in one readable message', () => {
    try {
      loadEnv({ PORT: 'abc', DATABASE_URL: 'mysql://x', DISCORD_PUBLIC_KEY: 'nothex' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/DATABASE_URL/);
      expect(msg).toMatch(/DISCORD_PUBLIC_KEY/);
      expect((err as ConfigError).problems).toHaveLength(3);
    }
  });

  it('keeps a webhook attempt inside the shutdown grace, and gives an endpoint at least a second outside tests', () => {
    const problems = (source: Record<string, string>) => {
      try {
        loadEnv(source);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ WEBHOOK_TIMEOUT_MS: '30000' })).toEqual([
      'WEBHOOK_TIMEOUT_MS: at most SHUTDOWN_TIMEOUT_MS (10000): a shutdown waits that long for the attempts in progress; raise both together',
    ]);
    expect(loadEnv({ WEBHOOK_TIMEOUT_MS: '30000', SHUTDOWN_TIMEOUT_MS: '30000' }).WEBHOOK_TIMEOUT_MS).toBe(30_000);
    expect(problems({ WEBHOOK_TIMEOUT_MS: '500' })).toEqual(['WEBHOOK_TIMEOUT_MS: at least 1000 (an endpoint gets a second to answer)']);
    expect(loadEnv({ NODE_ENV: 'test', WEBHOOK_TIMEOUT_MS: '500' }).WEBHOOK_TIMEOUT_MS).toBe(500);
  });

  it('requires the production secrets in production', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required when NODE_ENV=production/);
  });

  it('lists the missing production variables beside a malformed one, all at once (they were hidden behind it)', () => {
    for (const bad of [{ PORT: 'abc' }, { LOG_LEVEL: 'verbose' }, { PROCESS_ROLES: 'webb' }, { WORKERS_ENABLED: 'maybe' }]) {
      const err = (() => {
        try {
          loadEnv({ NODE_ENV: 'production', DISCORD_BOT_TOKEN: 'x'.repeat(40), ...bad });
        } catch (e) {
          return e as ConfigError;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      const problems = err!.problems;
      expect(problems.filter((p) => p.startsWith(`${Object.keys(bad)[0]}:`))).toHaveLength(1);
      expect(problems.filter((p) => p.endsWith('required when NODE_ENV=production')).map((p) => p.split(':')[0])).toEqual([
        'DISCORD_PUBLIC_KEY',
        'DISCORD_APPLICATION_ID',
        'SESSION_SECRET',
        'DATABASE_URL',
        'SECRETS_ENCRYPTION_KEYS',
      ]);
    }
    // When the refinement does run (a value out of range), each variable is still named once.
    const once = (() => {
      try {
        loadEnv({ NODE_ENV: 'production', DATABASE_POOL_SIZE: '0' });
      } catch (e) {
        return (e as ConfigError).problems;
      }
    })()!;
    expect(once.filter((p) => p === 'SESSION_SECRET: required when NODE_ENV=production')).toHaveLength(1);
  });
});
