import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { completeDeclaration } from '#application/complete-declaration.ts';
import { readDeclaration } from '#application/read-declarations.ts';
import { detailOf, etagOf } from '#application/views.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/completeDeclaration.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { ProblemError, ruleViolationsProblem } from '#shared/problem.ts';

const ports = { declarations: declarationStoreFromEnv(), clock: systemClock };

/**
 * POST of the complete declaration of a two-step summary, under If-Match. Idempotent by design, without an
 * idempotency store: a retry of a completion that went through finds its document in place and answers it again.
 */
export const handler = httpRoute(route, async ({ event, path, headers, body, caller }) => {
  const ifMatch = headers['if-match'];
  if (ifMatch === undefined) {
    throw new ProblemError('precondition-required', 'name the summary version you complete: If-Match: "<version>"', [
      { field: 'if-match', rule: 'required', detail: 'the ETag of the document version you read' },
    ]);
  }
  const outcome = await completeDeclaration(ports, {
    caller,
    id: path.id,
    expectedDocumentVersion: Number(ifMatch.slice(1, -1)),
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
      throw new ProblemError(
        'precondition-failed',
        `the document is at version ${outcome.currentDocumentVersion}: read it again and complete that version`,
        [
          {
            field: 'if-match',
            rule: 'current-version',
            detail: `the current ETag is ${etagOf(outcome.currentDocumentVersion)}`,
          },
        ],
      );
    case 'refused':
      throw ruleViolationsProblem('complete declaration', outcome.violations);
    case 'too-large':
      throw new ProblemError(
        'payload-too-large',
        `the document takes ${outcome.sizeInBytes} bytes; a declaration may hold ${outcome.limitInBytes}`,
        [{ field: '', rule: 'max-document-size', detail: `at most ${outcome.limitInBytes} bytes of JSON` }],
      );
  }
  const found = await readDeclaration(ports, { id: path.id, caller });
  if (found === undefined) throw new ProblemError('not-found', `no declaration ${path.id} is yours to complete`);
  const self = linkTo(event, routePaths.getDeclaration, { id: path.id });
  return json(200, detailOf(found, self), { etag: etagOf(found.documentVersion), 'content-location': self });
});
