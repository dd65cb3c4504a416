// POST /discord/interactions: raw body -> signature check (401 before anything else) -> JSON -> handler.
// The router does its own request logging (mounted before pino-http in app.ts): pino-http builds a child
// logger with serialized bindings for every request, which cost about a third of the PING throughput; here
// the request id is set at once and the handler gets a plain child logger bound to it.
import express, { Router, type Request, type Response } from 'express';
import { randomUUID, type KeyObject } from 'node:crypto';
import { InteractionResponseType, InteractionType, type APIInteraction, type APIInteractionResponse } from 'discord-api-types/v10';
import type { Logger } from '../../platform/logger.js';
import { checkDiscordSignature } from './signature.js';

export type InteractionHandler = (interaction: APIInteraction, ctx: { requestId: string; log: Logger }) => Promise<APIInteractionResponse | null>;

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function discordInteractionsRouter(opts: {
  publicKey: KeyObject;
  maxSignatureAgeSeconds: number;
  bodyLimit: string;
  handle: InteractionHandler;
  logger: Logger;
}): Router {
  const router = Router();
  const requestIdentity = (req: Request, res: Response, next: () => void) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    (req as { id?: unknown }).id = id;
    res.setHeader('x-request-id', id);
    const started = performance.now();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!opts.logger.isLevelEnabled(level)) return;
      opts.logger[level]({ req: { id, method: 'POST', path: '/discord/interactions' }, res: { status: res.statusCode } }, `POST /discord/interactions ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    next();
  };
  router.post('/discord/interactions', requestIdentity, express.raw({ type: () => true, limit: opts.bodyLimit }), async (req: Request, res: Response, next) => {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = checkDiscordSignature(
        opts.publicKey,
        req.header('x-signature-ed25519'),
        req.header('x-signature-timestamp'),
        body,
        opts.maxSignatureAgeSeconds,
      );
      if (!check.ok) {
        res.status(401).json({ error: { code: 'BAD_SIGNATURE', message: `Invalid request signature (${check.reason})`, requestId: String(req.id ?? '') } });
        return;
      }
      let interaction: APIInteraction;
      try {
        interaction = JSON.parse(body.toString('utf8')) as APIInteraction;
      } catch {
        res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: 'Body is not JSON', requestId: String(req.id ?? '') } });
        return;
      }
      if (interaction?.type === InteractionType.Ping) {
        res.json({ type: InteractionResponseType.Pong });
        return;
      }
      const requestId = String(req.id ?? '');
      const response = await opts.handle(interaction, { requestId, log: opts.logger.child({ req: { id: requestId } }) });
      if (response === null) {
        res.status(204).end();
        return;
      }
      res.json(response);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
