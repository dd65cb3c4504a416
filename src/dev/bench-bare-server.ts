// The benchmark's baselines (npm run bench:interactions), run as their own process so they get a core of their
// own, like the real server. Both read a request body of the same size as a signed PING and answer { type: 1 },
// with no database or logging:
//   POST /discord/interactions         a bare Express handler, with no signature check (the baseline);
//   POST /discord/interactions-signed  the same handler checking Discord's Ed25519 signature with the service's
//                                      own check (surfaces/discord/signature.ts, DISCORD_PUBLIC_KEY), so the
//                                      ratio against it is what the service adds besides the cryptography.
import express from 'express';
import { checkDiscordSignature, importDiscordPublicKey } from '../surfaces/discord/signature.js';

const app = express();
const raw = express.raw({ type: () => true, limit: '100kb' });
const pong = (body: Buffer) => {
  const parsed = JSON.parse(body.toString('utf8') || '{}') as { type?: number };
  return { type: parsed.type === 1 ? 1 : 4 };
};
const bodyOf = (req: express.Request) => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

app.post('/discord/interactions', raw, (req, res) => {
  res.json(pong(bodyOf(req)));
});

const publicKeyHex = process.env.DISCORD_PUBLIC_KEY;
if (publicKeyHex) {
  const key = importDiscordPublicKey(publicKeyHex);
  app.post('/discord/interactions-signed', raw, (req, res) => {
    const body = bodyOf(req);
    const check = checkDiscordSignature(key, req.get('x-signature-ed25519'), req.get('x-signature-timestamp'), body, 300);
    if (!check.ok) {
      res.status(401).json({ error: check.reason });
      return;
    }
    res.json(pong(body));
  });
}

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
