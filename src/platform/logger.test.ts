import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS } from './logger.js';

describe('log redaction', () => {
  it('never writes tokens, keys, passwords or signatures', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += chunk;
        cb();
      },
    });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info(
      {
        req: { headers: { authorization: 'Bearer ll_live_secret', cookie: 'sid=abc', 'x-signature-ed25519': 'deadbeef' } },
        user: { password: 'hunter2', token: 'tok' },
        tenant: { taxjarApiKey: 'tj_secret' },
      },
      'request',
    );
    for (const secret of ['ll_live_secret', 'sid=abc', 'deadbeef', 'hunter2', 'tok"', 'tj_secret']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});
