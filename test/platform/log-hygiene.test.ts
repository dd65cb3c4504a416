// What reaches the log: invoice links, Discord interaction/webhook tokens and addresses are scrubbed, an
// error's size is bounded, and the request log never holds an invoice token.
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger, MAX_ERROR_STRING, scrubText } from '../../src/platform/logger.js';
import { requestLogging } from '../../src/surfaces/http/request-logging.js';

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

const INVOICE_TOKEN = 'eyJ0ZW5hbnRJZCI6InQxIn0.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';
const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA';

describe('log hygiene', () => {
  it('scrubs invoice links, Discord webhook and interaction URLs and database passwords from any string', () => {
    const text = `GET /invoice/${INVOICE_TOKEN}?checkout=success and https://discord.com/api/v10/webhooks/123456789012345678/${INTERACTION_TOKEN}/messages/@original and /interactions/1/${INTERACTION_TOKEN}/callback postgresql://app:hunter2@db/x`;
    const out = scrubText(text);
    for (const secret of [INVOICE_TOKEN, INTERACTION_TOKEN, 'hunter2']) expect(out).not.toContain(secret);
    expect(out).toContain('/invoice/[redacted]');
    expect(out).toContain('/webhooks/123456789012345678/[redacted]/messages');
  });

  it('bounds and scrubs a logged error (a Prisma error carries ~69 KB), message and fields alike', () => {
    const { logger, out } = capture();
    const err = Object.assign(new Error(`query failed ${'x'.repeat(70_000)}`), {
      url: `https://discord.com/api/v10/webhooks/1/${INTERACTION_TOKEN}`,
      meta: { query: 'y'.repeat(70_000) },
      cause: new Error(`inner /invoice/${INVOICE_TOKEN}`),
    });
    logger.error({ err, order: { shippingAddress: { line1: '1 Secret Street' } }, address: '2 Hidden Lane' }, 'boom');
    const line = out();
    expect(line.length).toBeLessThan(4 * MAX_ERROR_STRING + 12_000);
    for (const secret of [INVOICE_TOKEN, INTERACTION_TOKEN, '1 Secret Street', '2 Hidden Lane']) expect(line).not.toContain(secret);
    expect(line).toContain('more characters cut');
  });

  it('never writes an invoice token in the request log line', async () => {
    const { logger, out } = capture();
    const app = express();
    app.use(requestLogging(logger, { trustedCaller: () => false }));
    app.get('/invoice/:token', (_req, res) => res.status(404).send('no'));
    await request(app).get(`/invoice/${INVOICE_TOKEN}?checkout=cancelled`);
    expect(out()).toContain('/invoice/[redacted]');
    expect(out()).not.toContain(INVOICE_TOKEN);
  });
});
