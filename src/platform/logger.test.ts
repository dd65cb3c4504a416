import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS, createLogger, lazyChild } from './logger.js';

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

  it("never writes a customer's name or address from the body an outside service was sent (a failed Discord DM)", () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += chunk;
        cb();
      },
    });
    const log = createLogger({ level: 'debug', pretty: false, destination: sink });
    // What @discordjs/rest throws for a 500 on a receipt DM: the message JSON, with "Ship to", as requestBody.
    const shipTo = { name: 'Ship to', value: 'Jane Roe\n1 Elm St\nSpringfield IL 62701\nUS' };
    const dmFailed = Object.assign(new Error('Internal Server Error'), {
      status: 500,
      method: 'POST',
      url: 'http://discord/api/v10/channels/1/messages',
      requestBody: { json: { embeds: [{ title: 'Receipt', fields: [shipTo] }] } },
    });
    log.warn({ job: 'order.paid>discord-notify', err: dmFailed }, 'job failed; it will be retried with backoff');
    log.warn({ err: new Error('wrapped', { cause: dmFailed }) }, 'wrapped');
    log.debug({ customer: { id: 'cus_1', username: 'janeroe', displayName: 'Jane Roe' } }, 'customer');
    for (const personal of ['Jane Roe', 'Elm St', 'Springfield', 'janeroe']) expect(out).not.toContain(personal);
    expect(out).toContain('Internal Server Error');
    expect(out).toContain('cus_1');
  });
});

describe('lazyChild', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    return { lines, log: pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink) };
  };

  it('makes the child only when it is used, and logs with its bindings then', () => {
    const { lines, log } = capture();
    let made = 0;
    const child = log.child.bind(log);
    log.child = ((...args: Parameters<typeof log.child>) => (made++, child(...args))) as typeof log.child;
    const req = lazyChild(log, { req: { id: 'r-1' }, token: 'secret-token' });
    expect(made).toBe(0);
    req.debug('below the level');
    req.warn({ step: 'confirm' }, 'slow');
    req.error('failed');
    expect(made).toBe(1);
    expect(lines.map((l) => [l.msg, l.req, l.step, l.token])).toEqual([
      ['slow', { id: 'r-1' }, 'confirm', '[redacted]'],
      ['failed', { id: 'r-1' }, undefined, '[redacted]'],
    ]);
  });

  it('is the child for everything else a logger does: level, isLevelEnabled, its own children', () => {
    const { lines, log } = capture();
    const req = lazyChild(log, { req: { id: 'r-2' } });
    expect(req.isLevelEnabled('debug')).toBe(false);
    req.level = 'debug';
    expect(req.level).toBe('debug');
    expect(log.level).toBe('info');
    req.child({ job: 'j' }).debug('deeper');
    expect(lines).toEqual([expect.objectContaining({ msg: 'deeper', req: { id: 'r-2' }, job: 'j' })]);
  });
});
