// A *_MS value past what a Node timer can wait (2^31 - 1 ms, about 24.8 days) is not waited at all: Node fires such a
// timer after 1 ms. SHUTDOWN_TIMEOUT_MS bounds the whole shutdown (start.ts): past the limit, every SIGTERM cut the
// requests and jobs in flight at once ("shutdown did not finish within SHUTDOWN_TIMEOUT_MS", code 1), the opposite
// of the long grace the operator asked for. Such a value is refused at start, naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from './env.js';

const TIMER_LIMIT_MS = 2 ** 31 - 1;

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadEnv(source);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}

describe('SHUTDOWN_TIMEOUT_MS and the longest wait a timer can hold', () => {
  it('refuses a value a timer cannot wait, naming the variable', () => {
    const problems = problemsOf({ SHUTDOWN_TIMEOUT_MS: String(TIMER_LIMIT_MS + 1) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SHUTDOWN_TIMEOUT_MS: /);
  });

  it('accepts the longest wait a timer can hold', () => {
    expect(problemsOf({ SHUTDOWN_TIMEOUT_MS: String(TIMER_LIMIT_MS) })).toEqual([]);
    expect(loadEnv({ SHUTDOWN_TIMEOUT_MS: String(TIMER_LIMIT_MS) }).SHUTDOWN_TIMEOUT_MS).toBe(TIMER_LIMIT_MS);
  });
});
