// A Discord interaction whose work failed on a database fault says "try again" (also as the follow-up after a
// deferral, which delivers the same reply), not "Something went wrong", and is not logged as a bug.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.js';
import { errorMessage } from './error-reply.js';

const log = createLogger({ level: 'silent', pretty: false });

describe('Discord reply on a database fault', () => {
  it.each([
    Object.assign(new Error('Connection terminated unexpectedly'), {}),
    Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    new Error('timeout exceeded when trying to connect'),
  ])('%s: "try again in a few seconds"', (err) => {
    const msg = errorMessage(err, 'req-1', log);
    expect(msg.embeds?.[0]?.title).toBe('Busy for a moment');
    expect(msg.embeds?.[0]?.description).toContain('try again in a few seconds');
  });

  it('any other error is still "Something went wrong"', () => {
    expect(errorMessage(new Error('a bug'), 'req-2', log).embeds?.[0]?.title).toBe('Something went wrong');
  });
});
