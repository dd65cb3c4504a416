// No part of a connection string's password reaches a log line, whatever characters the password holds: the
// message and every string of a logged error are read as WHATWG (and pg) read a URL, where the userinfo runs to
// the authority's last '@' and the password is what follows its first ':'; a password in the query goes too.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';

function capture() {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += chunk;
      cb();
    },
  });
  return { logger: createLogger({ level: 'info', pretty: false, destination: sink }), out: () => out };
}

// [connection string, the password's parts that must not be logged, what an operator still reads]
const CASES: Array<[string, string[], string]> = [
  ['postgres://u:p@ss@db.internal/app', ['p@ss', 'ss@db', '@ss'], 'db.internal/app'],
  ['postgresql://app:a@b@c:d@db.internal:5433/app?sslmode=require', ['a@b', 'b@c', 'c:d', '@c'], 'db.internal:5433/app'],
  ['postgres://user@tenant:s3cr@t@db.internal/app', ['s3cr', 'cr@t', '@t@'], 'db.internal/app'],
  ['postgres://app:tw0 w0rds@db.internal/app', ['tw0', 'w0rds'], 'db.internal/app'],
  ['postgres://app:colon:inside@db.internal/app', ['colon', 'inside'], 'db.internal/app'],
  ['postgres://app@db.internal/app?sslmode=require&password=qu3ry-p@ss', ['qu3ry', 'p@ss'], 'db.internal/app'],
  ['redis://:r3d1s@cache.internal:6379', ['r3d1s'], 'cache.internal:6379'],
  // Mistyped, a raw '/', '?' or '#' in the password (pg cannot parse it, which is when it is logged).
  ['postgres://u:pa/ss@db.internal/app', ['pa/ss', 'pa/', '/ss'], 'db.internal/app'],
  ['postgres://u:pa?ss#x@db.internal/app', ['pa?ss', '?ss', 'ss#x'], 'db.internal/app'],
];

describe('database passwords in log lines', () => {
  it.each(CASES)('%s: neither the message nor an error field holds any part of the password', (url, secrets, kept) => {
    const { logger, out } = capture();
    logger.error(`could not connect to ${url}`);
    logger.error({ err: Object.assign(new Error(`connect ${url} failed`), { meta: { url } }) }, 'start failed');
    const lines = out();
    for (const s of secrets) expect(lines).not.toContain(s);
    expect(lines).toContain(kept);
    expect(lines).toContain('***');
  });

  it('keeps a URL without a password, and one whose path holds an @, as it is', () => {
    const { logger, out } = capture();
    logger.info('posting to https://discord.com/api/v10/channels/1/messages/@original from postgres://app@db.internal/app');
    expect(out()).toContain('https://discord.com/api/v10/channels/1/messages/@original from postgres://app@db.internal/app');
  });
});
