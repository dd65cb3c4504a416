// How the interactions endpoint reads bodies (interactions.endpoint.ts reads the stream itself): the limit,
// bodies in several chunks, a compressed body (inflated by express.raw, as before), and the request id. It is
// mounted ahead of Express as app.ts mounts it (http/ahead-of-express.ts): it sees plain Node requests, what it
// passes on reaches the app's routes, and an error it passes on reaches the app's error handler.
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { errorHandler } from '../../src/surfaces/http/error-handler.js';
import { discordInteractionsEndpoint, parseBodyLimit } from '../../src/surfaces/discord/interactions.endpoint.js';
import { aheadOfExpress } from '../../src/surfaces/http/ahead-of-express.js';
import { importDiscordPublicKey } from '../../src/surfaces/discord/signature.js';
import { generateDiscordTestKeys, signDiscordBody } from '../helpers/discord-signer.js';

const keys = generateDiscordTestKeys();
const seen: unknown[] = [];
const app = express();
app.use(
  aheadOfExpress(
    app,
    discordInteractionsEndpoint({
      publicKey: importDiscordPublicKey(keys.publicKeyHex),
      maxSignatureAgeSeconds: 300,
      bodyLimit: '1kb',
      logger: createLogger({ level: 'silent', pretty: false }),
      // Only a trusted proxy's X-Request-Id is kept (TRUST_PROXY); here: callers with x-trusted: yes.
      trustedCaller: (req) => req.headers['x-trusted'] === 'yes',
      handle: async (interaction, ctx) => {
        seen.push({ interaction, requestId: ctx.requestId });
        return { type: 4, data: { content: 'ok' } };
      },
    }),
  ),
);
// What the endpoint passes on: any other path or method, reached through Express with its req and res.
app.all('/{*rest}', (req, res) => void res.json({ through: 'express', method: req.method, path: req.path }));
app.use(errorHandler);

describe('interactions endpoint body', () => {
  it('parses body limits like express.raw', () => {
    expect(parseBodyLimit('100kb')).toBe(102_400);
    expect(parseBodyLimit('1mb')).toBe(1_048_576);
    expect(parseBodyLimit('512B')).toBe(512);
    expect(() => parseBodyLimit('lots')).toThrow();
  });

  it('answers a PING with a PONG and echoes a valid request id from a trusted proxy only', async () => {
    const ping = JSON.stringify({ type: 1 });
    const res = await request(app)
      .post('/discord/interactions')
      .set(signDiscordBody(keys, ping))
      .set('x-request-id', 'req-123')
      .set('x-trusted', 'yes')
      .send(ping)
      .expect(200);
    expect(res.body).toEqual({ type: 1 });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-request-id']).toBe('req-123');
    const untrusted = await request(app)
      .post('/discord/interactions')
      .set(signDiscordBody(keys, ping))
      .set('x-request-id', 'req-123')
      .send(ping)
      .expect(200);
    expect(untrusted.headers['x-request-id']).not.toBe('req-123');
  });

  it('refuses a body over the limit with 413 and checks no signature on it', async () => {
    const big = JSON.stringify({ type: 2, pad: 'x'.repeat(2000) });
    const res = await request(app).post('/discord/interactions').set(signDiscordBody(keys, big)).send(big).expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('reads a body sent in several chunks (no Content-Length) and hands the interaction to the handler', async () => {
    const body = JSON.stringify({ id: '1', application_id: '1', token: 't', type: 2, guild_id: '1', data: { name: 'help' } });
    const headers = signDiscordBody(keys, body);
    const req = request(app).post('/discord/interactions').set(headers).set('Transfer-Encoding', 'chunked');
    req.write(body.slice(0, 20));
    req.write(body.slice(20));
    const res = await req.expect(200);
    expect(res.body).toEqual({ type: 4, data: { content: 'ok' } });
    expect(seen.at(-1)).toMatchObject({ interaction: { id: '1', data: { name: 'help' } }, requestId: res.headers['x-request-id'] });
  });

  it('still inflates a gzip body and checks the signature over the inflated bytes', async () => {
    const ping = JSON.stringify({ type: 1 });
    // fetch sends the bytes as they are (supertest would serialize a Buffer as JSON).
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/discord/interactions`, {
        method: 'POST',
        headers: { ...signDiscordBody(keys, ping), 'content-encoding': 'gzip' },
        body: gzipSync(ping),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ type: 1 });
    } finally {
      server.close();
    }
  });

  it('passes any other path or method on to the Express app, which sees an Express request', async () => {
    expect((await request(app).get('/discord/interactions').expect(200)).body).toEqual({
      through: 'express',
      method: 'GET',
      path: '/discord/interactions',
    });
    expect((await request(app).post('/api/orders').send({}).expect(200)).body).toEqual({
      through: 'express',
      method: 'POST',
      path: '/api/orders',
    });
  });

  it('refuses a signature made over other bytes with 401 and never calls the handler', async () => {
    const before = seen.length;
    const body = JSON.stringify({ id: '2', type: 2, guild_id: '1', data: { name: 'help' } });
    const res = await request(app)
      .post('/discord/interactions')
      .set(signDiscordBody(keys, body.replace('help', 'halp')))
      .send(body)
      .expect(401);
    expect(res.body.error.code).toBe('BAD_SIGNATURE');
    expect(seen.length).toBe(before);
  });
});
