import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { amendDeclaration } from '#application/amend-declaration.ts';
import { readDeclaration } from '#application/read-declarations.ts';
import { detailOf, etagOf } from '#application/views.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/amendDeclaration.ts';
import { documentTooLarge, expectedDocumentVersion, staleDocumentVersion } from '#shared/document-version-problems.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { ProblemError, ruleViolationsProblem } from '#shared/problem.ts';

const ports = { declarations: declarationStoreFromEnv(), clock: systemClock };

/**
 * PUT of a new document version under If-Match. Idempotent by design, without an idempotency store: a retry of
 * an amendment that went through finds its document already in place and answers it again, writing nothing.
 */
export const handler = httpRoute(route, async ({ event, path, headers, body, caller }) => {
  const outcome = await amendDeclaration(ports, {
    caller,
    id: path.id,
    expectedDocumentVersion: expectedDocumentVersion(headers, 'the document version you amend'),
    document: body,
  });
  switch (outcome.kind) {
    case 'not-found':
      throw new ProblemError('not-found', `no declaration ${path.id} is yours to amend`);
    case 'stale':
      throw staleDocumentVersion(outcome.currentDocumentVersion, 'amend');
    case 'not-amendable':
      throw new ProblemError(
        'amendment-not-allowed',
        `a declaration in status ${outcome.status} can no longer be amended`,
        [{ field: '', rule: 'amendable-status', detail: 'amendment is allowed until inspection starts' }],
      );
    case 'refused':
      throw ruleViolationsProblem('amended document', outcome.violations);
    case 'too-large':
      throw documentTooLarge(outcome);
  }
  const found = await readDeclaration(ports, { id: path.id, caller });
  if (found === undefined) throw new ProblemError('not-found', `no declaration ${path.id} is yours to amend`);
  const self = linkTo(event, routePaths.getDeclaration, { id: path.id });
  return json(200, detailOf(found, self), { etag: etagOf(found.documentVersion), 'content-location': self });
});
