import { webhookStoreFromEnv } from '#adapters/notifications-from-environment.ts';
import { type WebhookList, webhookBodyOf } from '#application/webhook-views.ts';
import { listWebhooks } from '#application/webhooks.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/listWebhooks.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { brokerIdOf } from '#shared/principal.ts';

const ports = { webhooks: webhookStoreFromEnv() };

export const handler = httpRoute(route, async ({ event, principal }) => {
  const webhooks = await listWebhooks(ports, { brokerId: brokerIdOf(principal) });
  const body: WebhookList = {
    items: webhooks.map((webhook) =>
      webhookBodyOf(webhook, linkTo(event, routePaths.listWebhookDeliveries, { id: webhook.id })),
    ),
  };
  return json(200, body);
});
