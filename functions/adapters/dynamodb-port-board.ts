import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { BoardEntry, BoardTransport, PortBoard } from '#application/port-board.ts';
import { InvalidCursorError } from '#application/ports.ts';
import { DECLARATION_TYPE_NAMES } from '#domain/declaration-types/registry.ts';
import { BOARD_INDEX, decodeCursor, ENTITY, encodeCursor, KEYS } from './table-layout.ts';

// A page reads at most this many pages of the index, so a filter matching little cannot read the whole port.
const MAX_PAGES_PER_LISTING = 5;
// A batch read that DynamoDB left partly undone is retried this many times before the page goes without.
const MAX_BATCH_ROUNDS = 3;

/** PortBoard on DynamoDB: the heads from GSI3, the latest change first; each one's transport from its document. */
export function dynamoDbPortBoard(client: DynamoDBDocumentClient, tableName: string): PortBoard {
  return {
    async list(query) {
      const values: Record<string, unknown> = { ':entity': ENTITY.declaration };
      const names: Record<string, string> = { '#entity': BOARD_INDEX.partitionAttribute };
      const filters: string[] = [];
      if (query.types.length < DECLARATION_TYPE_NAMES.length) {
        filters.push(`declarationType IN (${query.types.map((_, index) => `:type${index}`).join(', ')})`);
        query.types.forEach((type, index) => {
          values[`:type${index}`] = type;
        });
      }
      if (query.status !== undefined) {
        filters.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = query.status;
      }
      let startKey = query.cursor === undefined ? undefined : boardStartKey(query.cursor);
      const heads: Record<string, unknown>[] = [];
      for (let page = 0; page < MAX_PAGES_PER_LISTING && heads.length < query.limit; page++) {
        const answer = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: BOARD_INDEX.name,
            KeyConditionExpression: '#entity = :entity',
            ...(filters.length === 0 ? {} : { FilterExpression: filters.join(' AND ') }),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            // Limit counts items read, before the filter: never read past what this page may return.
            Limit: query.limit - heads.length,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        );
        heads.push(...(answer.Items ?? []));
        startKey = answer.LastEvaluatedKey;
        if (startKey === undefined) break;
      }
      const transports = await transportsOf(client, tableName, heads);
      const items: BoardEntry[] = heads.map((head) => ({
        record: recordOf(head),
        transport: transports.get(String(head.id)) ?? {},
      }));
      return {
        items,
        ...(startKey === undefined
          ? {}
          : { nextCursor: encodeCursor({ u: startKey[BOARD_INDEX.sortAttribute], p: startKey.PK }) }),
      };
    },
  };
}

/** Each head's train or plate, read from its current document (only those parts of it) in one batch. */
async function transportsOf(
  client: DynamoDBDocumentClient,
  tableName: string,
  heads: readonly Record<string, unknown>[],
): Promise<Map<string, BoardTransport>> {
  const transports = new Map<string, BoardTransport>();
  if (heads.length === 0) return transports;
  let keys: Record<string, unknown>[] | undefined = heads.map((head) =>
    KEYS.document(String(head.id), Number(head.documentVersion)),
  );
  for (let round = 0; round < MAX_BATCH_ROUNDS && keys !== undefined && keys.length > 0; round++) {
    const answer: BatchGetCommandOutput = await client.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName]: {
            Keys: keys,
            ProjectionExpression: 'PK, #document.#train, #document.#truck.#plate',
            ExpressionAttributeNames: {
              '#document': 'document',
              '#train': 'train',
              '#truck': 'truck',
              '#plate': 'plate',
            },
          },
        },
      }),
    );
    for (const item of answer.Responses?.[tableName] ?? []) {
      const document = (item.document ?? {}) as { train?: BoardTransport['train']; truck?: { plate?: string } };
      transports.set(String(item.PK).slice('DECL#'.length), {
        ...(document.train === undefined
          ? {}
          : { train: { trainNumber: document.train.trainNumber, trainDate: document.train.trainDate } }),
        ...(document.truck?.plate === undefined ? {} : { plate: document.truck.plate }),
      });
    }
    keys = answer.UnprocessedKeys?.[tableName]?.Keys;
  }
  return transports;
}

function recordOf(item: Record<string, unknown>): BoardEntry['record'] {
  return {
    id: String(item.id),
    brokerId: String(item.brokerId),
    declarationType: item.declarationType as BoardEntry['record']['declarationType'],
    status: item.status as BoardEntry['record']['status'],
    version: Number(item.version),
    documentVersion: Number(item.documentVersion),
    declarationNumber: String(item.declarationNumber),
    filedAt: String(item.filedAt),
    updatedAt: String(item.updatedAt),
    facts: (item.facts ?? {}) as Record<string, unknown>,
    ...(item.tracks === undefined ? {} : { tracks: item.tracks as NonNullable<BoardEntry['record']['tracks']> }),
  };
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The cursor names a head's place on the board; anything else was not issued by us. */
function boardStartKey(cursor: string): Record<string, unknown> {
  const key = decodeCursor(cursor);
  if (
    key === undefined ||
    typeof key.u !== 'string' ||
    typeof key.p !== 'string' ||
    !INSTANT.test(key.u) ||
    !/^DECL#DCL-[0-9A-F]{24}$/.test(key.p)
  ) {
    throw new InvalidCursorError();
  }
  return {
    [BOARD_INDEX.partitionAttribute]: ENTITY.declaration,
    [BOARD_INDEX.sortAttribute]: key.u,
    ...KEYS.declaration(key.p.slice('DECL#'.length)),
  };
}
