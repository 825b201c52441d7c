import type { RuleViolation } from '#domain/document-parts.ts';
import { WEBHOOK_SECRET_BYTES, webhookSecretOf } from '#domain/webhook-signature.ts';
import { type WebhookUrlPolicy, webhookUrlViolations } from '#domain/webhook-url-policy.ts';
import { MAX_WEBHOOKS_PER_BROKER, WEBHOOK_ID_BYTES, webhookIdOf } from '#domain/webhooks.ts';
import type {
  Clock,
  DeliveryAttempt,
  DeliveryLog,
  Page,
  RandomBytes,
  WebhookStore,
  WebhookSubscription,
} from './ports.ts';

export type RegistrationOutcome =
  | { readonly kind: 'registered'; readonly subscription: WebhookSubscription }
  | { readonly kind: 'refused'; readonly violations: readonly RuleViolation[] }
  | { readonly kind: 'limit-reached'; readonly limit: number };

/**
 * Registers a webhook for a broker: the URL must pass the deployment's policy, and a broker holds at most
 * MAX_WEBHOOKS_PER_BROKER. The answer carries the new signing secret, which no later read shows again.
 */
export async function registerWebhook(
  ports: {
    readonly webhooks: WebhookStore;
    readonly clock: Clock;
    readonly randomBytes: RandomBytes;
    readonly urlPolicy: WebhookUrlPolicy;
  },
  input: { readonly brokerId: string; readonly url: string; readonly description?: string },
): Promise<RegistrationOutcome> {
  const violations = webhookUrlViolations(input.url, ports.urlPolicy);
  if (violations.length > 0) return { kind: 'refused', violations };
  const subscription: WebhookSubscription = {
    id: webhookIdOf(ports.randomBytes(WEBHOOK_ID_BYTES)),
    brokerId: input.brokerId,
    url: input.url,
    ...(input.description === undefined ? {} : { description: input.description }),
    createdAt: ports.clock().toISOString(),
    secret: webhookSecretOf(ports.randomBytes(WEBHOOK_SECRET_BYTES)),
  };
  const added = await ports.webhooks.add(subscription, MAX_WEBHOOKS_PER_BROKER);
  return added ? { kind: 'registered', subscription } : { kind: 'limit-reached', limit: MAX_WEBHOOKS_PER_BROKER };
}

/** A subscription as every read shows it: without its secret. */
export type WebhookView = Omit<WebhookSubscription, 'secret'>;

function withoutSecret({ secret: _secret, ...view }: WebhookSubscription): WebhookView {
  return view;
}

export async function listWebhooks(
  ports: { readonly webhooks: WebhookStore },
  input: { readonly brokerId: string },
): Promise<WebhookView[]> {
  return (await ports.webhooks.listForBroker(input.brokerId)).map(withoutSecret);
}

/**
 * Deletes a broker's webhook; false when the broker has none by that id (another broker's id included, so ids
 * cannot be probed across tenants). Deliveries still pending for it find it gone and end without sending.
 */
export async function deleteWebhook(
  ports: { readonly webhooks: WebhookStore },
  input: { readonly brokerId: string; readonly id: string },
): Promise<boolean> {
  return ports.webhooks.remove(input.brokerId, input.id);
}

/** One page of a webhook's delivery log, newest first; undefined when the broker has no such webhook. */
export async function readDeliveryLog(
  ports: { readonly webhooks: WebhookStore; readonly deliveryLog: DeliveryLog },
  input: { readonly brokerId: string; readonly id: string; readonly limit: number; readonly cursor?: string },
): Promise<Page<DeliveryAttempt> | undefined> {
  const subscription = await ports.webhooks.find(input.brokerId, input.id);
  if (subscription === undefined) return undefined;
  return ports.deliveryLog.newestFirst(subscription.id, input.limit, input.cursor);
}
