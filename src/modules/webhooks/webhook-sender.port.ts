// How a webhook attempt is sent (adapters/http/webhook-sender.ts; tests may pass their own).
export interface WebhookSendResult {
  /** The receiver's status; undefined when no answer came (network error, timeout, refused target). */
  statusCode?: number;
  /** The start of the answer's body (at most 1,000 characters). */
  responseExcerpt?: string;
  /** Why no answer came. */
  error?: string;
  durationMs: number;
}

export type WebhookSender = (req: { url: string; headers: Record<string, string>; body: string }) => Promise<WebhookSendResult>;
