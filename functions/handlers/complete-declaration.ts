import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { completeDeclaration } from '#application/complete-declaration.ts';
import { readDeclaration } from '#application/read-declarations.ts';
import { detailOf, etagOf } from '#application/views.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/completeDeclaration.ts';
import { documentTooLarge, expectedDocumentVersion, staleDocumentVersion } from '#shared/document-version-problems.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { ProblemError, ruleViolationsProblem } from '#shared/problem.ts';

const ports = { declarations: declarationStoreFromEnv(), clock: systemClock };

/**
 * POST of the complete declaration of a two-step summary, under If-Match. Idempotent by design, without an
 * idempotency store: a retry of a completion that went through finds its document in place and answers it again.
 */
export const handler = httpRoute(route, async ({ event, path, headers, body, caller }) => {
  const outcome = await completeDeclaration(ports, {
    caller,
    id: path.id,
    expectedDocumentVersion: expectedDocumentVersion(headers, 'the summary version you complete'),
    document: body,
  });
  switch (outcome.kind) {
    case 'not-found':
      throw new ProblemError('not-found', `no declaration ${path.id} is yours to complete`);
    case 'not-completable':
      throw new ProblemError('conflict', `declaration ${path.id} (${outcome.status}): ${outcome.because}`, [
        { field: '', rule: 'completable', detail: 'a rail SUMMARY, neither cancelled nor rejected, is completed once' },
      ]);
    case 'stale':
      throw staleDocumentVersion(outcome.currentDocumentVersion, 'complete');
    case 'refused':
      throw ruleViolationsProblem('complete declaration', outcome.violations);
    case 'too-large':
      throw documentTooLarge(outcome);
  }
  const found = await readDeclaration(ports, { id: path.id, caller });
  if (found === undefined) throw new ProblemError('not-found', `no declaration ${path.id} is yours to complete`);
  const self = linkTo(event, routePaths.getDeclaration, { id: path.id });
  return json(200, detailOf(found, self), { etag: etagOf(found.documentVersion), 'content-location': self });
});
