import { declarationStoreFromEnv } from '#adapters/from-environment.ts';
import { readDeclaration } from '#application/read-declarations.ts';
import { detailOf, etagOf } from '#application/views.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/getDeclaration.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { declarations: declarationStoreFromEnv() };

export const handler = httpRoute(route, async ({ event, path, query, caller }) => {
  const found = await readDeclaration(ports, {
    id: path.id,
    caller,
    ...(query.documentVersion === undefined ? {} : { documentVersion: query.documentVersion }),
  });
  if (found === undefined) {
    const what = query.documentVersion === undefined ? '' : ` with document version ${query.documentVersion}`;
    throw new ProblemError('not-found', `no declaration ${path.id}${what} is visible to you`);
  }
  const body = detailOf(found, linkTo(event, routePaths.getDeclaration, { id: path.id }));
  return json(200, body, { etag: etagOf(found.documentVersion) });
});
