import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line: tokens, keys, passwords, signatures, cookies. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signature-ed25519"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.apiKey',
  '*.taxjarApiKey',
  '*.secret',
  '*.secrets',
  '*.clientSecret',
  '*.accessToken',
  '*.access_token',
  '*.webhookSecret',
  '*.webhookSignatureKey',
  'req.headers["paypal-transmission-sig"]',
  'req.headers["x-square-hmacsha256-signature"]',
  'req.headers["btcpay-sig"]',
  '*.signature',
  'password',
  'token',
  'apiKey',
  'secret',
];

export function createLogger(opts: { level: string; pretty: boolean; name?: string }): Logger {
  const options: LoggerOptions = {
    name: opts.name ?? 'ledgerline',
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (opts.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } });
  }
  return pino(options);
}
