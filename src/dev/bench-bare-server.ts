// The benchmark's baseline (npm run bench:interactions): a bare Express handler that reads a request body
// of the same size as a signed PING and answers { type: 1 }, with no signature check, database or logging.
// Run as its own process so it gets a core of its own, like the real server.
import express from 'express';

const app = express();
app.post('/discord/interactions', express.raw({ type: () => true, limit: '100kb' }), (req, res) => {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const parsed = JSON.parse(body.toString('utf8') || '{}') as { type?: number };
  res.json({ type: parsed.type === 1 ? 1 : 4 });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
