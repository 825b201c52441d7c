import { declarationStoreFromEnv, officerTaskStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { workflowCommandsFromEnv } from '#adapters/workflow-commands-from-environment.ts';
import { decideOnDeclaration } from '#application/officer-tasks.ts';
import { WORKFLOW_ERRORS } from '#domain/errors.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/decideOnDeclaration.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import type { DecisionResult } from '#shared/officer-schemas.ts';
import { ProblemError, ruleViolationsProblem } from '#shared/problem.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  officerTasks: officerTaskStoreFromEnv(),
  tasks: workflowCommandsFromEnv(),
  clock: systemClock,
};

export const handler = httpRoute(route, async ({ event, path, body, caller }) => {
  const outcome = await decideOnDeclaration(ports, {
    declarationId: path.id,
    caller,
    decision: body.decision,
    reason: body.reason,
    ...(body.requestedDocuments === undefined ? {} : { requestedDocuments: body.requestedDocuments }),
    ...(body.decisionId === undefined ? {} : { decisionId: body.decisionId }),
    ...(body.occurredAt === undefined ? {} : { occurredAt: body.occurredAt }),
  }).catch((error: unknown) => {
    // Someone else moved the declaration between the decision and its transitions: the decision stands, retry it.
    if ((error as Error).name === WORKFLOW_ERRORS.transitionNotAllowed) {
      throw new ProblemError('conflict', (error as Error).message);
    }
    throw error;
  });
  switch (outcome.kind) {
    case 'not-found':
      throw new ProblemError('not-found', `no declaration ${path.id}`);
    case 'invalid':
      throw ruleViolationsProblem('decision', outcome.violations);
    case 'not-awaited':
      throw new ProblemError('conflict', `declaration ${path.id}: ${outcome.because}`);
  }
  const { decision } = outcome;
  const answer: DecisionResult = {
    declarationId: path.id,
    decision: decision.decision,
    ...(decision.decisionId === undefined ? {} : { decisionId: decision.decisionId }),
    decidedAt: decision.decidedAt,
    status: decision.status,
    taskState: outcome.taskState,
    links: { declaration: linkTo(event, routePaths.getDeclaration, { id: path.id }) },
  };
  return json(200, answer);
});
