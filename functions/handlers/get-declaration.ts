import { declarationsFromEnv } from '#adapters/ports.ts';
import { declarationView, readDeclaration } from '#application/rail-import.ts';
import { DECLARATION_ID_PATTERN } from '#domain/declaration.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { declarations: declarationsFromEnv() };

/** GET /v1/declarations/{id}: status and stage history, for the broker that filed it. */
export const handler = httpRoute({ roles: ['broker'] }, async ({ event, principal }) => {
  const id = event.pathParameters?.id ?? '';
  const found = DECLARATION_ID_PATTERN.test(id)
    ? await readDeclaration(ports, { id, brokerId: brokerIdOf(principal) })
    : undefined;
  if (found === undefined) throw new ProblemError('not-found', `no declaration ${id} is visible to you`);
  return json(200, {
    ...declarationView(found.declaration, found.history),
    links: { self: linkTo(event, `/v1/declarations/${id}`) },
  });
});
