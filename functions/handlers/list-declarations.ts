import { declarationStoreFromEnv } from '#adapters/from-environment.ts';
import { InvalidCursorError, InvalidQueryError } from '#application/ports.ts';
import { listDeclarations } from '#application/read-declarations.ts';
import { type DeclarationPage, summaryOf } from '#application/views.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/listDeclarations.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { DEFAULT_PAGE_SIZE } from '#shared/paging.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { declarations: declarationStoreFromEnv() };

export const handler = httpRoute(route, async ({ event, query, principal }) => {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const page = await listDeclarations(ports, {
    brokerId: brokerIdOf(principal),
    query: { ...query, limit },
  }).catch((error: unknown) => {
    if (error instanceof InvalidCursorError) {
      throw new ProblemError('invalid-query', 'the cursor is not one this API issued for this listing', [
        { field: 'cursor', rule: 'cursor', detail: 'pass the nextCursor of the previous page, with the same filters' },
      ]);
    }
    if (error instanceof InvalidQueryError) {
      throw new ProblemError('invalid-query', `${error.parameter} ${error.message}`, [
        { field: error.parameter, rule: error.rule, detail: error.message },
      ]);
    }
    throw error;
  });
  const body: DeclarationPage = {
    items: page.items.map((record) => summaryOf(record, linkTo(event, routePaths.getDeclaration, { id: record.id }))),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    links: {
      self: linkTo(event, routePaths.listDeclarations, {}, query),
      ...(page.nextCursor === undefined
        ? {}
        : { next: linkTo(event, routePaths.listDeclarations, {}, { ...query, cursor: page.nextCursor }) }),
    },
  };
  return json(200, body);
});
