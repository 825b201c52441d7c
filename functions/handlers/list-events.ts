import { eventFeedFromEnv, systemClock } from '#adapters/from-environment.ts';
import { InvalidCursorError } from '#application/ports.ts';
import { route } from '#generated/routes/listEvents.ts';
import { httpRoute, json } from '#shared/http.ts';
import { DEFAULT_PAGE_SIZE } from '#shared/paging.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError } from '#shared/problem.ts';

const feed = eventFeedFromEnv();
/**
 * Events are served once they are this old. A change is stamped before its transaction commits, so a change
 * stamped earlier may land after a later one; waiting this long means a cursor can never skip it.
 */
export const EVENT_SETTLE_MILLISECONDS = 2_000;

export const handler = httpRoute(route, async ({ query, principal }) => {
  const settledBefore = new Date(systemClock().getTime() - EVENT_SETTLE_MILLISECONDS);
  try {
    const page = await feed.after(brokerIdOf(principal), query.after, query.limit ?? DEFAULT_PAGE_SIZE, settledBefore);
    return json(200, page);
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    throw new ProblemError('invalid-query', 'the cursor is not one this API issued', [
      { field: 'after', rule: 'cursor', detail: 'pass the nextCursor of the previous answer unchanged' },
    ]);
  }
});
