import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  signatureHeaders,
  verifyWebhookSignature,
  webhookSecretOf,
  webhookSignature,
} from '#domain/webhook-signature.ts';

/** The test vector of the Standard Webhooks specification: any conforming receiver library verifies it. */
const STANDARD_VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const secret = webhookSecretOf(Uint8Array.from({ length: 32 }, (_, i) => i * 7));
const body = JSON.stringify({ eventId: 'DCL-0123456789ABCDEF01234567.v2', status: 'RISK_ASSESSED' });
const sentAt = new Date('2026-11-21T08:00:00Z');
const timestamp = sentAt.getTime() / 1000;
const headers = signatureHeaders(secret, { id: 'DCL-0123456789ABCDEF01234567.v2', timestamp, body });

describe('signing a delivery (Standard Webhooks)', () => {
  it('produces the specification’s own test vector', () => {
    const { secret: vectorSecret, id, timestamp: vectorTimestamp, body: vectorBody } = STANDARD_VECTOR;
    assert.equal(
      webhookSignature(vectorSecret, { id, timestamp: vectorTimestamp, body: vectorBody }),
      STANDARD_VECTOR.signature,
    );
  });

  it('sends the event id, the time in Unix seconds and the signature as headers', () => {
    assert.deepEqual(Object.keys(headers).sort(), ['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    assert.equal(headers['webhook-id'], 'DCL-0123456789ABCDEF01234567.v2');
    assert.equal(headers['webhook-timestamp'], '1795248000');
    assert.match(headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('makes secrets in the whsec_ format from 32 random bytes', () => {
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.throws(() => webhookSecretOf(new Uint8Array(16)));
  });
});

describe('verifying a delivery, as a broker’s receiver does', () => {
  const verify = (overrides: { headers?: Record<string, string>; body?: string; secret?: string; now?: Date }) =>
    verifyWebhookSignature({
      secret: overrides.secret ?? secret,
      headers: overrides.headers ?? headers,
      body: overrides.body ?? body,
      now: overrides.now ?? new Date(sentAt.getTime() + 3_000),
    });

  it('accepts the delivery as it was sent', () => {
    assert.deepEqual(verify({}), { valid: true, id: 'DCL-0123456789ABCDEF01234567.v2', timestamp });
  });

  it('accepts the specification’s test vector at its own time', () => {
    const { secret: vectorSecret, id, timestamp: vectorTimestamp, body: vectorBody, signature } = STANDARD_VECTOR;
    const result = verifyWebhookSignature({
      secret: vectorSecret,
      headers: { 'Webhook-Id': id, 'Webhook-Timestamp': String(vectorTimestamp), 'Webhook-Signature': signature },
      body: vectorBody,
      now: new Date(vectorTimestamp * 1000),
    });
    assert.equal(result.valid, true);
  });

  it('refuses a changed body', () => {
    assert.deepEqual(verify({ body: body.replace('RISK_ASSESSED', 'RELEASED') }), {
      valid: false,
      reason: 'signature-mismatch',
    });
  });

  it('refuses a changed timestamp, even a fresh one', () => {
    const moved = { ...headers, 'webhook-timestamp': String(timestamp + 1) };
    assert.deepEqual(verify({ headers: moved }), { valid: false, reason: 'signature-mismatch' });
  });

  it('refuses a signature made with another secret', () => {
    const other = webhookSecretOf(new Uint8Array(32).fill(9));
    assert.deepEqual(verify({ secret: other }), { valid: false, reason: 'signature-mismatch' });
  });

  it(`refuses a replay older than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes, or a timestamp from the future`, () => {
    const late = new Date(sentAt.getTime() + (SIGNATURE_TOLERANCE_SECONDS + 1) * 1000);
    assert.deepEqual(verify({ now: late }), { valid: false, reason: 'stale-timestamp' });
    const early = new Date(sentAt.getTime() - (SIGNATURE_TOLERANCE_SECONDS + 1) * 1000);
    assert.deepEqual(verify({ now: early }), { valid: false, reason: 'stale-timestamp' });
  });

  it('accepts one matching signature among several (a secret being rotated)', () => {
    const rotated = { ...headers, 'webhook-signature': `v1,bm90IHRoaXMgb25l ${headers['webhook-signature']}` };
    assert.equal(verify({ headers: rotated }).valid, true);
  });

  it('refuses a delivery without the headers, or with a timestamp that is not a number', () => {
    const { 'webhook-signature': _dropped, ...unsigned } = headers;
    assert.deepEqual(verify({ headers: unsigned }), { valid: false, reason: 'missing-header' });
    assert.deepEqual(verify({ headers: { ...headers, 'webhook-timestamp': '1e9' } }), {
      valid: false,
      reason: 'malformed-timestamp',
    });
  });

  it('reads the headers from a fetch Headers object too', () => {
    assert.equal(verify({ headers: Object.fromEntries(new Headers(headers)) }).valid, true);
    assert.equal(
      verifyWebhookSignature({ secret, headers: new Headers(headers), body, now: new Date(sentAt.getTime()) }).valid,
      true,
    );
  });
});
