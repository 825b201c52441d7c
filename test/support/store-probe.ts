import { type DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { KEYS, TRAIN_KEYS, WEBHOOK_KEYS } from '#adapters/table-layout.ts';
import type { Milestone } from '#domain/port-events.ts';

/**
 * Looks into the local stack's tables from outside, to tell whether a refused request wrote anything: the items
 * of a declaration, of a port milestone, a broker's webhooks, and how many items each table holds.
 */
export function storeProbe(env: {
  readonly dynamodb: DynamoDBClient;
  readonly stack: { readonly tables: readonly string[] };
}) {
  const tableNamed = (part: string) => {
    const name = env.stack.tables.find((table) => table.includes(part));
    if (name === undefined)
      throw new Error(`the stack has no table named like ${part}: ${env.stack.tables.join(', ')}`);
    return name;
  };
  const declarations = tableNamed('Declarations');
  const idempotency = tableNamed('Idempotency');

  const countItems = async (table: string) => {
    let count = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await env.dynamodb.send(
        new ScanCommand({
          TableName: table,
          Select: 'COUNT',
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start !== undefined);
    return count;
  };
  const itemsUnder = async (partitionKey: string) =>
    (
      await env.dynamodb.send(
        new QueryCommand({
          TableName: declarations,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: partitionKey } },
          Select: 'COUNT',
        }),
      )
    ).Count ?? 0;

  /** A broker's webhook partition as it stands: its webhooks' ids and the counter that guards the limit. */
  const webhooksOf = async (brokerId: string) => {
    const partition = WEBHOOK_KEYS.webhookCount(brokerId);
    const ids: string[] = [];
    let count: number | undefined;
    let start: Record<string, never> | undefined;
    do {
      const page = await env.dynamodb.send(
        new QueryCommand({
          TableName: declarations,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: partition.PK } },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        const sortKey = item.SK?.S ?? '';
        if (sortKey === partition.SK) count = Number(item.webhooks?.N);
        else ids.push(sortKey.slice(WEBHOOK_KEYS.webhookPrefix.length));
      }
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start !== undefined);
    return { ids: ids.sort(), count };
  };

  /** Items in both tables; the idempotency table holds one record per accepted write. */
  const counts = async () => ({
    declarationsTable: await countItems(declarations),
    idempotencyTable: await countItems(idempotency),
  });

  /** The counts once they hold still (two readings 300 ms apart agree): workflows still running write too. */
  const settledCounts = async (timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    let previous = '';
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const reading = await counts();
      if (JSON.stringify(reading) === previous) return reading;
      if (Date.now() > deadline) throw new Error(`the tables did not settle within ${timeoutMs} ms: ${previous}`);
      previous = JSON.stringify(reading);
    }
  };

  return {
    counts,
    settledCounts,
    idempotencyRecords: () => countItems(idempotency),
    /** The declaration's head, documents and history. */
    itemsOfDeclaration: (id: string) => itemsUnder(KEYS.declaration(id).PK),
    /** The report of a milestone for that key, and the waits on it. */
    itemsOfMilestone: (milestone: Milestone, key: string) => itemsUnder(KEYS.milestone(milestone, key).PK),
    /** A train's head and its manifest versions. */
    itemsOfTrain: (trainKey: string) => itemsUnder(TRAIN_KEYS.train(trainKey).PK),
    /** The broker's webhooks by id, and its webhook count (undefined before its first registration). */
    webhooksOf,
  };
}

export type StoreProbe = ReturnType<typeof storeProbe>;
