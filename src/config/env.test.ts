import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from './env.js';

describe('loadEnv', () => {
  it('applies defaults', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.INVOICE_LINK_DEFAULT_TTL_SECONDS).toBe(604800);
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

  it('requires the production secrets in production', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required when NODE_ENV=production/);
  });
});
