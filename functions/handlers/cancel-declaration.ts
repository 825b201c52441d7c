import {
  declarationStoreFromEnv,
  milestoneStoreFromEnv,
  officerTaskStoreFromEnv,
  systemClock,
} from '#adapters/from-environment.ts';
import { trainStoreFromEnv } from '#adapters/trains-from-environment.ts';
import { workflowCommandsFromEnv } from '#adapters/workflow-commands-from-environment.ts';
import { cancelDeclaration } from '#application/cancel-declaration.ts';
import { summaryOf } from '#application/views.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/cancelDeclaration.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  milestones: milestoneStoreFromEnv(),
  officerTasks: officerTaskStoreFromEnv(),
  workflows: workflowCommandsFromEnv(),
  trains: trainStoreFromEnv(),
  clock: systemClock,
};

/** The broker cancels its declaration; idempotent by design (cancelling a cancelled one answers it again). */
export const handler = httpRoute(route, async ({ event, path, body, principal, caller }) => {
  const outcome = await cancelDeclaration(ports, {
    caller,
    brokerId: brokerIdOf(principal),
    id: path.id,
    reason: body.reason,
  });
  if (outcome.kind === 'not-found') throw new ProblemError('not-found', `no declaration ${path.id}`);
  if (outcome.kind === 'not-cancellable') {
    throw new ProblemError('conflict', `a ${outcome.status} declaration can no longer be cancelled`);
  }
  return json(200, summaryOf(outcome.record, linkTo(event, routePaths.getDeclaration, { id: outcome.record.id })));
});
