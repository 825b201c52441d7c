import { declarationStoreFromEnv, officerTaskStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { workflowCommandsFromEnv } from '#adapters/workflow-commands-from-environment.ts';
import { provideDocuments } from '#application/officer-tasks.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/provideDocuments.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import type { DocumentsAccepted } from '#shared/officer-schemas.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  officerTasks: officerTaskStoreFromEnv(),
  tasks: workflowCommandsFromEnv(),
  clock: systemClock,
};

export const handler = httpRoute(route, async ({ event, path, body, caller }) => {
  const outcome = await provideDocuments(ports, { declarationId: path.id, caller, documents: body.documents });
  if (outcome.kind === 'not-found') throw new ProblemError('not-found', `no declaration ${path.id} is visible to you`);
  if (outcome.kind === 'not-requested') {
    throw new ProblemError('conflict', `declaration ${path.id}: ${outcome.because}`);
  }
  const answer: DocumentsAccepted = {
    declarationId: path.id,
    status: outcome.record.status,
    providedAt: outcome.providedAt,
    requestedDocuments: [...outcome.requestedDocuments],
    links: { declaration: linkTo(event, routePaths.getDeclaration, { id: path.id }) },
  };
  return json(202, answer);
});
