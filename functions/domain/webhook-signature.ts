import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures in the Standard Webhooks format (https://www.standardwebhooks.com): every delivery carries
 *
 *   webhook-id         the event id: the same on every retry of the event, so a receiver can de-duplicate
 *   webhook-timestamp  when this attempt was signed, in Unix seconds, so a receiver can refuse a replay
 *   webhook-signature  "v1,<base64 HMAC-SHA256 of '<id>.<timestamp>.<body>' under the secret's bytes>"
 *
 * The secret is "whsec_" followed by the base64 of 32 random bytes; the bytes, not the text, are the key.
 * `verifyWebhookSignature` is the receiver's side, for brokers' code and for our tests.
 */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_SECRET_BYTES = 32;
/** A receiver refuses a delivery signed longer ago (or further ahead) than this. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function webhookSecretOf(key: Uint8Array): string {
  if (key.length !== WEBHOOK_SECRET_BYTES) throw new Error(`a webhook secret is ${WEBHOOK_SECRET_BYTES} random bytes`);
  return `${WEBHOOK_SECRET_PREFIX}${Buffer.from(key).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

export interface SignedContent {
  /** The event id (webhook-id). */
  readonly id: string;
  /** Unix seconds (webhook-timestamp). */
  readonly timestamp: number;
  /** The exact bytes sent, as text. */
  readonly body: string;
}

function digest(secret: string, content: SignedContent): Buffer {
  return createHmac('sha256', keyOf(secret)).update(`${content.id}.${content.timestamp}.${content.body}`).digest();
}

/** The webhook-signature header value: "v1,<base64>". */
export function webhookSignature(secret: string, content: SignedContent): string {
  return `v1,${digest(secret, content).toString('base64')}`;
}

/** The three Standard Webhooks headers of one delivery attempt. */
export function signatureHeaders(secret: string, content: SignedContent): Record<string, string> {
  return {
    [WEBHOOK_HEADERS.id]: content.id,
    [WEBHOOK_HEADERS.timestamp]: String(content.timestamp),
    [WEBHOOK_HEADERS.signature]: webhookSignature(secret, content),
  };
}

export type Verification =
  | { readonly valid: true; readonly id: string; readonly timestamp: number }
  | {
      readonly valid: false;
      readonly reason: 'missing-header' | 'malformed-timestamp' | 'stale-timestamp' | 'signature-mismatch';
    };

type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return Array.isArray(value) ? value.join(',') : (value as string | undefined);
}

/**
 * A receiver's check of one delivery: the signature must match the body it received, under its secret, and the
 * timestamp must be within `toleranceSeconds` of its own clock (a replayed old delivery is refused). Several
 * signatures may be sent, space-separated (during a secret rotation): one matching is enough.
 */
export function verifyWebhookSignature(input: {
  readonly secret: string;
  readonly headers: HeaderSource;
  readonly body: string;
  readonly now?: Date;
  readonly toleranceSeconds?: number;
}): Verification {
  const id = header(input.headers, WEBHOOK_HEADERS.id);
  const timestampText = header(input.headers, WEBHOOK_HEADERS.timestamp);
  const signatures = header(input.headers, WEBHOOK_HEADERS.signature);
  if (id === undefined || timestampText === undefined || signatures === undefined) {
    return { valid: false, reason: 'missing-header' };
  }
  if (!/^\d{1,12}$/.test(timestampText)) return { valid: false, reason: 'malformed-timestamp' };
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    return { valid: false, reason: 'stale-timestamp' };
  }
  const expected = digest(input.secret, { id, timestamp, body: input.body });
  const matches = signatures.split(' ').some((candidate) => {
    const [version, encoded] = candidate.split(',', 2);
    if (version !== 'v1' || encoded === undefined) return false;
    const received = Buffer.from(encoded, 'base64');
    return received.length === expected.length && timingSafeEqual(received, expected);
  });
  return matches ? { valid: true, id, timestamp } : { valid: false, reason: 'signature-mismatch' };
}
