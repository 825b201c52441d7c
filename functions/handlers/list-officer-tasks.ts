import { officerTaskStoreFromEnv } from '#adapters/from-environment.ts';
import { listOfficerTasks } from '#application/officer-tasks.ts';
import { InvalidCursorError } from '#application/ports.ts';
import { approachingShareFrom, DEFAULT_QUEUE, slaStateOf } from '#domain/officer-tasks.ts';
import type { RiskChannel } from '#domain/risk.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/listOfficerTasks.ts';
import { ENV } from '#shared/env.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import type { OfficerTaskPage } from '#shared/officer-schemas.ts';
import { DEFAULT_PAGE_SIZE } from '#shared/paging.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { officerTasks: officerTaskStoreFromEnv() };
const approachingShare = approachingShareFrom(process.env[ENV.slaApproachingShare]);

export const handler = httpRoute(route, async ({ event, query }) => {
  const queue = query.queue ?? DEFAULT_QUEUE;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const page = await listOfficerTasks(ports, {
    queue,
    limit,
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  }).catch((error: unknown) => {
    if (error instanceof InvalidCursorError) {
      throw new ProblemError('invalid-query', 'the cursor is not one this API issued for this queue', [
        { field: 'cursor', rule: 'cursor', detail: 'pass the nextCursor of the previous page, with the same queue' },
      ]);
    }
    throw error;
  });
  const now = new Date();
  const body: OfficerTaskPage = {
    items: page.items.map((task) => ({
      declarationId: task.declarationId,
      declarationType: task.declarationType,
      kind: task.kind,
      queue: task.queue,
      openedAt: task.openedAt,
      ...(task.dueAt === undefined ? {} : { dueAt: task.dueAt }),
      slaState: slaStateOf(task, now, approachingShare),
      ...(task.riskChannel === undefined ? {} : { riskChannel: task.riskChannel as RiskChannel }),
      onHold: task.decision?.decision === 'HOLD',
      links: {
        declaration: linkTo(event, routePaths.getDeclaration, { id: task.declarationId }),
        decisions: linkTo(event, routePaths.decideOnDeclaration, { id: task.declarationId }),
      },
    })),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    links: {
      self: linkTo(event, routePaths.listOfficerTasks, {}, query),
      ...(page.nextCursor === undefined
        ? {}
        : { next: linkTo(event, routePaths.listOfficerTasks, {}, { ...query, cursor: page.nextCursor }) }),
    },
  };
  return json(200, body);
});
