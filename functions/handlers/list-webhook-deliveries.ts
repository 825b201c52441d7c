import { deliveryLogFromEnv, webhookStoreFromEnv } from '#adapters/notifications-from-environment.ts';
import { InvalidCursorError } from '#application/ports.ts';
import { type DeliveryLogPage, deliveryAttemptBodyOf } from '#application/webhook-views.ts';
import { readDeliveryLog } from '#application/webhooks.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/listWebhookDeliveries.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { DEFAULT_PAGE_SIZE } from '#shared/paging.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { webhooks: webhookStoreFromEnv(), deliveryLog: deliveryLogFromEnv() };

export const handler = httpRoute(route, async ({ event, path, query, principal }) => {
  const page = await readDeliveryLog(ports, {
    brokerId: brokerIdOf(principal),
    id: path.id,
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  }).catch((error: unknown) => {
    if (error instanceof InvalidCursorError) {
      throw new ProblemError('invalid-query', 'the cursor is not one this API issued', [
        { field: 'cursor', rule: 'cursor', detail: 'pass the nextCursor of the previous page unchanged' },
      ]);
    }
    throw error;
  });
  if (page === undefined) throw new ProblemError('not-found', `you have no webhook ${path.id}`);
  const body: DeliveryLogPage = {
    items: page.items.map(deliveryAttemptBodyOf),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    links: {
      self: linkTo(event, routePaths.listWebhookDeliveries, { id: path.id }, query),
      ...(page.nextCursor === undefined
        ? {}
        : {
            next: linkTo(
              event,
              routePaths.listWebhookDeliveries,
              { id: path.id },
              { ...query, cursor: page.nextCursor },
            ),
          }),
    },
  };
  return json(200, body);
});
