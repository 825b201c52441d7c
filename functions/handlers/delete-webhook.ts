import { webhookStoreFromEnv } from '#adapters/notifications-from-environment.ts';
import { deleteWebhook } from '#application/webhooks.ts';
import * as routes from '#generated/routes.ts';
import { httpRoute } from '#shared/http.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { webhooks: webhookStoreFromEnv() };

export const handler = httpRoute(routes.deleteWebhook, async ({ path, principal }) => {
  const deleted = await deleteWebhook(ports, { brokerId: brokerIdOf(principal), id: path.id });
  if (!deleted) throw new ProblemError('not-found', `you have no webhook ${path.id}`);
  return { statusCode: 204, headers: {}, body: '' };
});
