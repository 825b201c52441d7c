import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TrainStore } from '#application/ports.ts';
import { type ManifestVersion, type TrainHead, TrainVersionConflictError, trainKeyOf } from '#domain/trains.ts';
import { isConditionFailure, queryAll } from './dynamodb-declaration-store.ts';
import { TRAIN_ENTITY, TRAIN_KEYS } from './table-layout.ts';

/** TrainStore on the declarations table: a head item per train and one item per manifest version. */
export function dynamoDbTrainStore(client: DynamoDBDocumentClient, tableName: string): TrainStore {
  const get = async (key: { PK: string; SK: string }) =>
    (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

  const store: TrainStore = {
    async loadHead(train) {
      const item = await get(TRAIN_KEYS.train(trainKeyOf(train)));
      return item === undefined ? undefined : toHead(item);
    },

    async loadManifest(train, version) {
      const key = trainKeyOf(train);
      const wanted = version ?? (await store.loadHead(train))?.manifestVersion;
      if (wanted === undefined) return undefined;
      const item = await get(TRAIN_KEYS.manifest(key, wanted));
      return item === undefined ? undefined : toManifestVersion(item);
    },

    async saveManifest({ expectedVersion, head, manifest }) {
      const key = trainKeyOf(head);
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: { ...TRAIN_KEYS.train(key), entity: TRAIN_ENTITY.train, ...head },
                  ...(expectedVersion === 0
                    ? { ConditionExpression: 'attribute_not_exists(PK)' }
                    : {
                        ConditionExpression: '#version = :expected',
                        ExpressionAttributeNames: { '#version': 'version' },
                        ExpressionAttributeValues: { ':expected': expectedVersion },
                      }),
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...TRAIN_KEYS.manifest(key, manifest.version), entity: TRAIN_ENTITY.manifest, ...manifest },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new TrainVersionConflictError(key, expectedVersion);
        throw error;
      }
    },

    async closeLine(train, waybillNumber, declarationId, status, at) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            PK: TRAIN_KEYS.train(trainKeyOf(train)).PK,
            SK: `LINE#${waybillNumber}`,
            entity: 'ManifestLineClosed',
            waybillNumber,
            declarationId,
            status,
            closedAt: at.toISOString(),
          },
        }),
      );
    },

    async closedLines(train) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :line)',
        ExpressionAttributeValues: { ':pk': TRAIN_KEYS.train(trainKeyOf(train)).PK, ':line': 'LINE#' },
        ConsistentRead: true,
      });
      return new Set(items.map((item) => String(item.waybillNumber)));
    },

    async saveHead({ expectedVersion, head }) {
      const key = trainKeyOf(head);
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...TRAIN_KEYS.train(key), entity: TRAIN_ENTITY.train, ...head },
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new TrainVersionConflictError(key, expectedVersion);
        throw error;
      }
    },
  };
  return store;
}

function toHead(item: Record<string, unknown>): TrainHead {
  return {
    trainNumber: String(item.trainNumber),
    trainDate: String(item.trainDate),
    status: item.status as TrainHead['status'],
    version: Number(item.version),
    manifestVersion: Number(item.manifestVersion),
    manifestDigest: String(item.manifestDigest),
    departedAt: String(item.departedAt),
    filedAt: String(item.filedAt),
    updatedAt: String(item.updatedAt),
    facts: (item.facts ?? {}) as Record<string, unknown>,
  };
}

function toManifestVersion(item: Record<string, unknown>): ManifestVersion {
  return {
    version: Number(item.version),
    filedAt: String(item.filedAt),
    filedBy: item.filedBy as ManifestVersion['filedBy'],
    digest: String(item.digest),
    manifest: item.manifest as ManifestVersion['manifest'],
  };
}
