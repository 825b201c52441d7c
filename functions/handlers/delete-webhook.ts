import { webhookStoreFromEnv } from '#adapters/notifications-from-environment.ts';
import { deleteWebhook } from '#application/webhooks.ts';
import { route } from '#generated/routes/deleteWebhook.ts';
import { httpRoute } from '#shared/http.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { webhooks: webhookStoreFromEnv() };

export const handler = httpRoute(route, async ({ path, principal }) => {
  const deleted = await deleteWebhook(ports, { brokerId: brokerIdOf(principal), id: path.id });
  if (!deleted) throw new ProblemError('not-found', `you have no webhook ${path.id}`);
  return { statusCode: 204, headers: {}, body: '' };
});
