import { documentClient } from '#adapters/dynamodb-clients.ts';
import { dynamoDbPortBoard } from '#adapters/dynamodb-port-board.ts';
import { listPortDeclarations } from '#application/port-board.ts';
import { InvalidCursorError } from '#application/ports.ts';
import { approachingShareFrom } from '#domain/officer-tasks.ts';
import { arrivedAtOf, boardClockOf, modeOf, releasedAtOf } from '#domain/port-board.ts';
import type { RiskChannel } from '#domain/risk.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/listPortDeclarations.ts';
import { ENV, requireEnv } from '#shared/env.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { DEFAULT_PAGE_SIZE } from '#shared/paging.ts';
import type { PortDeclarationPage } from '#shared/port-board-schemas.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { board: dynamoDbPortBoard(documentClient, requireEnv(ENV.declarationsTable)) };
const approachingShare = approachingShareFrom(process.env[ENV.slaApproachingShare]);

export const handler = httpRoute(route, async ({ event, query, caller }) => {
  const page = await listPortDeclarations(ports, {
    caller,
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    ...(query.mode === undefined ? {} : { mode: query.mode }),
    ...(query.declarationType === undefined ? {} : { declarationType: query.declarationType }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  }).catch((error: unknown) => {
    if (error instanceof InvalidCursorError) {
      throw new ProblemError('invalid-query', 'the cursor is not one this API issued for the board', [
        { field: 'cursor', rule: 'cursor', detail: 'pass the nextCursor of the previous page' },
      ]);
    }
    throw error;
  });
  const now = new Date();
  const body: PortDeclarationPage = {
    items: page.items.map(({ record, transport }) => {
      const arrivedAt = arrivedAtOf(record);
      const releasedAt = releasedAtOf(record);
      const clock = boardClockOf(record, now, approachingShare);
      const channel = record.facts.riskChannel as RiskChannel | undefined;
      return {
        id: record.id,
        declarationNumber: record.declarationNumber,
        declarationType: record.declarationType,
        mode: modeOf(record.declarationType),
        status: record.status,
        ...(channel === undefined ? {} : { riskChannel: channel }),
        ...(record.tracks === undefined ? {} : { tracks: record.tracks }),
        ...(transport.train === undefined ? {} : { train: transport.train }),
        ...(transport.plate === undefined ? {} : { plate: transport.plate }),
        filedAt: record.filedAt,
        updatedAt: record.updatedAt,
        ...(arrivedAt === undefined ? {} : { arrivedAt }),
        ...(releasedAt === undefined ? {} : { releasedAt }),
        ...(clock === undefined ? {} : { clock }),
        links: { self: linkTo(event, routePaths.getDeclaration, { id: record.id }) },
      };
    }),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    links: {
      self: linkTo(event, routePaths.listPortDeclarations, {}, query),
      ...(page.nextCursor === undefined
        ? {}
        : { next: linkTo(event, routePaths.listPortDeclarations, {}, { ...query, cursor: page.nextCursor }) }),
    },
  };
  return json(200, body);
});
