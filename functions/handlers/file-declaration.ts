import { declarationNumbersFromEnv, declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { completionPeriodFromEnv } from '#adapters/sla-from-environment.ts';
import { workflowCommandsFromEnv } from '#adapters/workflow-commands-from-environment.ts';
import { fileDeclaration } from '#application/file-declaration.ts';
import { summaryOf } from '#application/views.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/fileDeclaration.ts';
import { documentTooLarge } from '#shared/document-version-problems.ts';
import { httpRoute, json } from '#shared/http.ts';
import { replayFirstAnswer } from '#shared/idempotency.ts';
import { linkTo } from '#shared/links.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ruleViolationsProblem } from '#shared/problem.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  declarationNumbers: declarationNumbersFromEnv(),
  workflows: workflowCommandsFromEnv(),
  clock: systemClock,
  completionPeriod: completionPeriodFromEnv(),
};

export const handler = httpRoute(
  route,
  async ({ event, body, principal, caller, headers }) => {
    const outcome = await fileDeclaration(ports, {
      caller,
      brokerId: brokerIdOf(principal),
      idempotencyKey: headers['idempotency-key'] ?? '',
      document: body,
    });
    if (outcome.kind === 'refused') throw ruleViolationsProblem('document', outcome.violations);
    if (outcome.kind === 'too-large') throw documentTooLarge(outcome, ': file the goods as several declarations');
    const self = linkTo(event, routePaths.getDeclaration, { id: outcome.record.id });
    return json(202, summaryOf(outcome.record, self), { location: self });
  },
  replayFirstAnswer,
);
