// POST /discord/interactions: raw body -> signature check (401 before anything else) -> JSON -> handler.
import express, { Router, type Request, type Response } from 'express';
import type { KeyObject } from 'node:crypto';
import { InteractionResponseType, InteractionType, type APIInteraction, type APIInteractionResponse } from 'discord-api-types/v10';
import { checkDiscordSignature } from './signature.js';

export type InteractionHandler = (interaction: APIInteraction, ctx: { requestId: string; log: Request['log'] }) => Promise<APIInteractionResponse | null>;

export function discordInteractionsRouter(opts: {
  publicKey: KeyObject;
  maxSignatureAgeSeconds: number;
  bodyLimit: string;
  handle: InteractionHandler;
}): Router {
  const router = Router();
  router.post('/discord/interactions', express.raw({ type: () => true, limit: opts.bodyLimit }), async (req: Request, res: Response, next) => {
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
      const response = await opts.handle(interaction, { requestId: String(req.id ?? ''), log: req.log });
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
