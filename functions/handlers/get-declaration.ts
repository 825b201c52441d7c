import { declarationStoreFromEnv } from '#adapters/from-environment.ts';
import { readDeclaration } from '#application/read-declarations.ts';
import { type DeclarationDetail, summaryOf } from '#application/views.ts';
import * as routes from '#generated/routes.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { declarations: declarationStoreFromEnv() };

export const handler = httpRoute(routes.getDeclaration, async ({ event, path, caller }) => {
  const found = await readDeclaration(ports, { id: path.id, caller });
  if (found === undefined) throw new ProblemError('not-found', `no declaration ${path.id} is visible to you`);
  const body: DeclarationDetail = {
    ...summaryOf(found.record, linkTo(event, routes.getDeclaration, { id: path.id })),
    declaration: found.declaration,
    history: found.history,
  };
  return json(200, body);
});
