// POST /discord/interactions: raw body -> signature check (401 before anything else) -> JSON -> handler.
// This is the hottest path of the service (Discord PINGs it, and every click lands here), so it does only
// what it must, measured with `npm run bench:interactions`:
// - Its own request logging (mounted before pino-http in app.ts): pino-http builds a child logger with
//   serialized bindings for every request, which cost about a third of the PING throughput; here the request
//   id is set at once and the handler gets a child logger bound to it, made only if something logs
//   (lazyChild: a pino child runs the redaction of its bindings when made; PINGs get none).
// - The body is read straight from the request stream with the same limit as express.raw (413 through the
//   error handler, the rest of the body read off first, like body-parser). Only a body with a
//   Content-Encoding (Discord never compresses requests) goes through express.raw, which inflates it.
// - Answers are written with a precomputed PONG and JSON.stringify + end(): Express's res.json() also looks up
//   the content type and hashes the body for an ETag, which no Discord client uses (~15% of a PING).
// - It is a plain Node handler put ahead of Express (app.ts, http/ahead-of-express.ts), matching its one path
//   itself: a Router layer and helmet's per-request setHeader calls were a fifth of a PING's CPU, and
//   Express's own per-request set-up (prototype swap, router walk) more than the signature check. The
//   security headers every other JSON answer gets (app.ts passes helmet's own list) are written with the
//   status line in one writeHead call.
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID, type KeyObject } from 'node:crypto';
import { InteractionResponseType, InteractionType, type APIInteraction, type APIInteractionResponse } from 'discord-api-types/v10';
import { lazyChild, type Logger } from '../../platform/logger.js';
import { checkDiscordSignature } from './signature.js';

export type InteractionHandler = (
  interaction: APIInteraction,
  ctx: { requestId: string; log: Logger },
) => Promise<APIInteractionResponse | null>;

const REQUEST_ID = /^[\w.-]{1,64}$/;
const PATH = '/discord/interactions';
const JSON_TYPE = 'application/json; charset=utf-8';
const PONG = Buffer.from(JSON.stringify({ type: InteractionResponseType.Pong }));

/** BODY_LIMIT ("100kb", "1mb", "512b"; validated by config/env.ts) in bytes, 1 kb = 1024 b as in express.raw. */
export function parseBodyLimit(limit: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(limit.trim());
  if (!m) throw new Error(`Invalid body limit: ${limit}`);
  const unit = m[2]!.toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

/** A plain Node request handler with a next(): app.ts puts it ahead of Express (http/ahead-of-express.ts). */
type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Writes the status line and every header at once: `headers` (security headers and the request id), then the body's. */
function sendJson(res: ServerResponse, status: number, headers: readonly string[], body: Buffer | string): void {
  res.writeHead(status, [
    ...headers,
    'Content-Type',
    JSON_TYPE,
    'Content-Length',
    String(typeof body === 'string' ? Buffer.byteLength(body) : body.length),
  ]);
  res.end(body);
}

/** The request's path as Express routes it (case-insensitive, one trailing slash allowed), query left off. */
function isInteractionsPath(url: string): boolean {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  if (path.length === PATH.length + 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path.length === PATH.length && (path === PATH || path.toLowerCase() === PATH);
}

/** An error the app's error handler answers as body-parser's would (413 PAYLOAD_TOO_LARGE). */
function tooLarge(limit: number, length: number): Error {
  return Object.assign(new Error('request entity too large'), {
    type: 'entity.too.large',
    status: 413,
    statusCode: 413,
    expose: true,
    limit,
    length,
  });
}

/**
 * Reads the whole body, at most `limit` bytes. Over the limit (announced by Content-Length or found while
 * reading), the rest is read off and discarded and a 413 error is passed on, so the client gets the answer.
 */
function readBody(req: IncomingMessage, limit: number, done: (err: Error | null, body?: Buffer) => void): void {
  const declared = Number(req.headers['content-length']);
  let received = 0;
  let over = Number.isFinite(declared) && declared > limit;
  let settled = false;
  const chunks: Buffer[] = [];
  // The listeners stay on the request until it is collected: an 'error' after the end must still be heard
  // (an unheard 'error' event would crash the process), it just changes nothing.
  const settle = (err: Error | null, body?: Buffer) => {
    if (settled) return;
    settled = true;
    done(err, body);
  };
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) over = true;
    if (!over) chunks.push(chunk);
  });
  req.on('end', () => {
    if (over) return settle(tooLarge(limit, Math.max(received, declared || 0)));
    settle(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
  });
  req.on('error', (err: Error) => settle(err));
  req.on('aborted', () =>
    settle(Object.assign(new Error('request aborted'), { type: 'request.aborted', status: 400, statusCode: 400, expose: true })),
  );
}

/**
 * What is missing from an interaction's envelope, or null. Only what every handler relies on is checked
 * (by hand, not zod: this runs on every request, PINGs included); handlers validate their own data.
 */
export function envelopeProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body is not an object';
  const b = body as Record<string, unknown>;
  if (typeof b.type !== 'number' || !Number.isInteger(b.type)) return 'type is missing';
  if (b.type === InteractionType.Ping) return null;
  for (const key of ['id', 'application_id', 'token'] as const) if (typeof b[key] !== 'string' || b[key] === '') return `${key} is missing`;
  if (
    b.type !== InteractionType.ApplicationCommand &&
    b.type !== InteractionType.MessageComponent &&
    b.type !== InteractionType.ApplicationCommandAutocomplete &&
    b.type !== InteractionType.ModalSubmit
  ) {
    return `unknown type ${b.type}`;
  }
  if (typeof b.data !== 'object' || b.data === null || Array.isArray(b.data)) return 'data is missing';
  const d = b.data as Record<string, unknown>;
  if (
    (b.type === InteractionType.ApplicationCommand || b.type === InteractionType.ApplicationCommandAutocomplete) &&
    typeof d.name !== 'string'
  )
    return 'data.name is missing';
  if ((b.type === InteractionType.MessageComponent || b.type === InteractionType.ModalSubmit) && typeof d.custom_id !== 'string')
    return 'data.custom_id is missing';
  if (b.member !== undefined && (typeof b.member !== 'object' || b.member === null)) return 'member is malformed';
  return null;
}

/**
 * POST /discord/interactions, as a middleware to mount before any other: every other request goes on to
 * `next()` untouched.
 */
export function discordInteractionsEndpoint(opts: {
  publicKey: KeyObject;
  maxSignatureAgeSeconds: number;
  bodyLimit: string;
  handle: InteractionHandler;
  logger: Logger;
  /** True when the caller is a proxy we trust (TRUST_PROXY): only then is its X-Request-Id kept. */
  trustedCaller?: (req: IncomingMessage) => boolean;
  /** Headers every answer carries (flat name, value list): the app's security headers. */
  responseHeaders?: readonly string[];
}): NodeHandler {
  const limit = parseBodyLimit(opts.bodyLimit);
  const baseHeaders = opts.responseHeaders ?? [];
  const encodedBody = express.raw({ type: () => true, limit: opts.bodyLimit });
  const { logger } = opts;

  const respond = async (req: IncomingMessage, res: ServerResponse, requestId: string, body: Buffer): Promise<void> => {
    const headers = [...baseHeaders, 'x-request-id', requestId];
    const check = checkDiscordSignature(
      opts.publicKey,
      req.headers['x-signature-ed25519'] as string | undefined,
      req.headers['x-signature-timestamp'] as string | undefined,
      body,
      opts.maxSignatureAgeSeconds,
    );
    if (!check.ok) {
      sendJson(
        res,
        401,
        headers,
        JSON.stringify({ error: { code: 'BAD_SIGNATURE', message: `Invalid request signature (${check.reason})`, requestId } }),
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(res, 400, headers, JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: 'Body is not JSON', requestId } }));
      return;
    }
    // Signed is not well formed: `null`, an array or an interaction without its envelope is a 400, never a
    // handler crash (a 500).
    const problem = envelopeProblem(parsed);
    if (problem) {
      sendJson(
        res,
        400,
        headers,
        JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: `Not an interaction: ${problem}`, requestId } }),
      );
      return;
    }
    const interaction = parsed as APIInteraction;
    if (interaction?.type === InteractionType.Ping) {
      sendJson(res, 200, headers, PONG);
      return;
    }
    const response = await opts.handle(interaction, { requestId, log: lazyChild(logger, { req: { id: requestId } }) });
    if (response === null) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    sendJson(res, 200, headers, JSON.stringify(response));
  };

  return (req, res, next) => {
    if (req.method !== 'POST' || !isInteractionsPath(req.url ?? '')) return next();
    const incoming = req.headers['x-request-id'];
    // A caller's id is used only from a proxy we trust (TRUST_PROXY); anyone else gets ours.
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) && opts.trustedCaller?.(req) ? incoming : randomUUID();
    (req as { id?: unknown }).id = requestId;
    // An error passed on (413, an aborted or undecodable body) is answered by the app's error handler: give
    // it the same headers first.
    const fail = (err: unknown) => {
      if (!res.headersSent) {
        for (let i = 0; i < baseHeaders.length; i += 2) res.setHeader(baseHeaders[i]!, baseHeaders[i + 1]!);
        res.setHeader('x-request-id', requestId);
      }
      next(err);
    };
    const started = performance.now();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        { req: { id: requestId, method: 'POST', path: PATH }, res: { status: res.statusCode } },
        `POST ${PATH} ${res.statusCode} ${Math.round(performance.now() - started)}ms`,
      );
    });
    const run = (body: Buffer) => respond(req, res, requestId, body).catch(fail);
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') {
      // express.raw (body-parser) reads a plain Node request too; it sets req.body.
      const parsed = req as ExpressRequest;
      encodedBody(parsed, res as ExpressResponse, (err?: unknown) =>
        err ? fail(err) : void run(Buffer.isBuffer(parsed.body) ? parsed.body : Buffer.alloc(0)),
      );
      return;
    }
    readBody(req, limit, (err, body) => (err ? fail(err) : void run(body!)));
  };
}
