import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RailImportDeclaration } from '#domain/declaration.ts';
import {
  type DeclarationStatus,
  decideTransition,
  type HistoryEntry,
  submissionEntry,
  type TransitionName,
} from '#domain/lifecycle.ts';
import type { ArrivalNotice } from '#domain/port-event.ts';

/**
 * Single-table layout (see README, "Data model"). This module is the only place that knows it.
 *
 *   PK                  SK                        item
 *   DECL#<id>           DECLARATION               the declaration: status, version, owner, document
 *   DECL#<id>           HISTORY#<version:6>       one entry per status change (version-ordered)
 *   WAYBILL#<waybill>   ARRIVAL                   the train arrival reported for that waybill
 *   WAYBILL#<waybill>   AWAIT_ARRIVAL#<id>        a workflow waiting for that waybill (task token)
 *
 *   GSI1: GSI1PK = BROKER#<brokerId>, GSI1SK = <submittedAt>#<id>   — a broker's declarations, newest last
 */
const key = {
  declaration: (id: string) => ({ PK: `DECL#${id}`, SK: 'DECLARATION' }),
  history: (id: string, version: number) => ({ PK: `DECL#${id}`, SK: `HISTORY#${String(version).padStart(6, '0')}` }),
  arrival: (waybill: string) => ({ PK: `WAYBILL#${waybill}`, SK: 'ARRIVAL' }),
  arrivalWait: (waybill: string, id: string) => ({ PK: `WAYBILL#${waybill}`, SK: `AWAIT_ARRIVAL#${id}` }),
};

export interface StoredDeclaration {
  readonly id: string;
  readonly brokerId: string;
  readonly status: DeclarationStatus;
  readonly version: number;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly document: RailImportDeclaration;
  /** Facts the workflow learned, kept on the declaration for queries (risk channel, arrival). */
  readonly facts?: Record<string, unknown>;
}

export interface ArrivalWait {
  readonly declarationId: string;
  readonly taskToken: string;
}

/** Thrown when the workflow asks for a transition the lifecycle forbids; Step Functions can catch it by name. */
export class TransitionNotAllowedError extends Error {
  constructor(id: string, from: DeclarationStatus, to: DeclarationStatus) {
    super(`declaration ${id} cannot move from ${from} to ${to}`);
    this.name = 'TransitionNotAllowed';
  }
}

export class DeclarationNotFoundError extends Error {
  constructor(id: string) {
    super(`declaration ${id} does not exist`);
    this.name = 'DeclarationNotFound';
  }
}

// Wait items outlive their workflow only if something crashed; DynamoDB TTL sweeps them after this.
const WAIT_ITEM_TTL_SECONDS = 30 * 24 * 3600;
// Concurrent writers to one declaration are rare (a retried step racing its first attempt); a few rounds settle it.
const MAX_TRANSITION_ATTEMPTS = 3;

export function declarationRepository(client: DynamoDBDocumentClient, tableName: string) {
  async function getDeclaration(id: string): Promise<StoredDeclaration | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: key.declaration(id), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : toDeclaration(Item);
  }

  return {
    getDeclaration,

    /** Stores a new declaration and its first history entry; answers the existing one if the id is taken. */
    async create(input: {
      id: string;
      brokerId: string;
      document: RailImportDeclaration;
      idempotencyKey: string;
      at: Date;
    }): Promise<{ created: boolean; declaration: StoredDeclaration }> {
      const { declaration, entry } = filedDeclaration(input);
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...key.declaration(input.id),
                    ...declaration,
                    entity: 'Declaration',
                    idempotencyKey: input.idempotencyKey,
                    waybillNumber: input.document.waybillNumber,
                    GSI1PK: `BROKER#${input.brokerId}`,
                    GSI1SK: `${entry.at}#${input.id}`,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              { Put: { TableName: tableName, Item: historyItem(input.id, entry) } },
            ],
          }),
        );
        return { created: true, declaration };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await getDeclaration(input.id);
        if (existing === undefined) throw error;
        return { created: false, declaration: existing };
      }
    },

    async getWithHistory(id: string): Promise<{ declaration: StoredDeclaration; history: HistoryEntry[] } | undefined> {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': key.declaration(id).PK },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      const head = items.find((item) => item.SK === 'DECLARATION');
      if (head === undefined) return undefined;
      const history = items
        .filter((item) => String(item.SK).startsWith('HISTORY#'))
        .map(toHistoryEntry)
        .sort((a, b) => a.version - b.version);
      return { declaration: toDeclaration(head), history };
    },

    /**
     * Moves a declaration along its lifecycle: status and history entry in one transaction, guarded by
     * the version read. A step retried after it already succeeded finds the status in place and writes nothing.
     */
    async applyTransition(
      id: string,
      transition: TransitionName,
      options: { at: Date; details?: Record<string, unknown>; facts?: Record<string, unknown> },
    ): Promise<{ declaration: StoredDeclaration; applied: boolean }> {
      for (let attempt = 1; ; attempt++) {
        const current = await getDeclaration(id);
        if (current === undefined) throw new DeclarationNotFoundError(id);
        const outcome = decideTransition(current, transition, options.at, options.details);
        if (outcome.kind === 'already-applied') return { declaration: current, applied: false };
        if (outcome.kind === 'not-allowed') throw new TransitionNotAllowedError(id, outcome.from, outcome.to);
        const { entry } = outcome;
        const facts = { ...current.facts, ...options.facts };
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: tableName,
                    Key: key.declaration(id),
                    UpdateExpression: 'SET #status = :status, #version = :next, updatedAt = :at, facts = :facts',
                    ConditionExpression: '#version = :expected',
                    ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
                    ExpressionAttributeValues: {
                      ':status': entry.status,
                      ':next': entry.version,
                      ':expected': current.version,
                      ':at': entry.at,
                      ':facts': facts,
                    },
                  },
                },
                {
                  Put: {
                    TableName: tableName,
                    Item: historyItem(id, entry),
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
              ],
            }),
          );
          return {
            declaration: { ...current, status: entry.status, version: entry.version, updatedAt: entry.at, facts },
            applied: true,
          };
        } catch (error) {
          if (!isConditionFailure(error) || attempt >= MAX_TRANSITION_ATTEMPTS) throw error;
        }
      }
    },

    async registerArrivalWait(waybill: string, wait: ArrivalWait, at: Date): Promise<void> {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...key.arrivalWait(waybill, wait.declarationId),
            entity: 'ArrivalWait',
            ...wait,
            registeredAt: at.toISOString(),
            expiresAt: Math.floor(at.getTime() / 1000) + WAIT_ITEM_TTL_SECONDS,
          },
        }),
      );
    },

    async arrivalWaitsFor(waybill: string): Promise<ArrivalWait[]> {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': key.arrival(waybill).PK, ':prefix': 'AWAIT_ARRIVAL#' },
          ConsistentRead: true,
        }),
      );
      return Items.map((item) => ({ declarationId: String(item.declarationId), taskToken: String(item.taskToken) }));
    },

    async removeArrivalWait(waybill: string, declarationId: string): Promise<void> {
      await client.send(new DeleteCommand({ TableName: tableName, Key: key.arrivalWait(waybill, declarationId) }));
    },

    /** Records a waybill's arrival; the first report wins, so a replayed event changes nothing. */
    async recordArrival(waybill: string, notice: ArrivalNotice): Promise<void> {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key.arrival(waybill), entity: 'Arrival', waybillNumber: waybill, ...notice },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async arrivalOf(waybill: string): Promise<ArrivalNotice | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key.arrival(waybill), ConsistentRead: true }),
      );
      if (Item === undefined) return undefined;
      return {
        trainNumber: String(Item.trainNumber),
        arrivedAt: String(Item.arrivedAt),
        portEventId: String(Item.portEventId),
      };
    },
  };
}

export type DeclarationRepository = ReturnType<typeof declarationRepository>;

/** A declaration as first filed, with its first history entry. */
export function filedDeclaration(input: { id: string; brokerId: string; document: RailImportDeclaration; at: Date }): {
  declaration: StoredDeclaration;
  entry: HistoryEntry;
} {
  const entry = submissionEntry(input.at);
  return {
    entry,
    declaration: {
      id: input.id,
      brokerId: input.brokerId,
      status: entry.status,
      version: entry.version,
      submittedAt: entry.at,
      updatedAt: entry.at,
      document: input.document,
    },
  };
}

function historyItem(id: string, entry: HistoryEntry): Record<string, unknown> {
  return { ...key.history(id, entry.version), entity: 'HistoryEntry', declarationId: id, ...entry };
}

function toDeclaration(item: Record<string, unknown>): StoredDeclaration {
  return {
    id: String(item.id),
    brokerId: String(item.brokerId),
    status: item.status as DeclarationStatus,
    version: Number(item.version),
    submittedAt: String(item.submittedAt),
    updatedAt: String(item.updatedAt),
    document: item.document as RailImportDeclaration,
    ...(item.facts === undefined ? {} : { facts: item.facts as Record<string, unknown> }),
  };
}

function toHistoryEntry(item: Record<string, unknown>): HistoryEntry {
  return {
    version: Number(item.version),
    status: item.status as DeclarationStatus,
    transition: item.transition as HistoryEntry['transition'],
    at: String(item.at),
    ...(item.details === undefined ? {} : { details: item.details as Record<string, unknown> }),
  };
}

function isConditionFailure(error: unknown): boolean {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');
  }
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}
