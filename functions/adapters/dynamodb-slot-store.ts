import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { SlotContentionError, SlotFullError, type SlotStore } from '#application/slots.ts';
import { VersionConflictError } from '#domain/errors.ts';
import type { SlotBooking } from '#domain/slot-booking.ts';
import { historyAndEventWrites, queryAll } from './dynamodb-declaration-store.ts';
import { expiresAt, KEYS, SLOT_COUNTER_RETENTION_SECONDS, SLOT_ENTITY, SLOT_KEYS } from './table-layout.ts';

/**
 * SlotStore on the declarations table. Capacity is never oversold because the unit is taken by a conditional
 * update of the hour's counter inside the same transaction as the booking, the declaration's version, its history
 * entry and its event: of any number of bookings racing for an hour's last unit, DynamoDB lets exactly one
 * transaction see `booked < capacity` and commit; the others are cancelled whole and write nothing.
 */
/** A declaration's booking, read alone: the gate, the workflow's waits and the followers only read it. */
export function dynamoDbSlotBookings(
  client: DynamoDBDocumentClient,
  tableName: string,
): Pick<SlotStore, 'loadBooking'> {
  return {
    async loadBooking(declarationId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: SLOT_KEYS.booking(declarationId), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : toBooking(Item);
    },
  };
}

export function dynamoDbSlotStore(client: DynamoDBDocumentClient, tableName: string): SlotStore {
  const hourKey = (booking: SlotBooking) => SLOT_KEYS.hour(booking.laneType, booking.localDate, booking.startsAt);

  return {
    ...dynamoDbSlotBookings(client, tableName),

    async write(change, capacity) {
      const { declaration, booking, previous, entry, event } = change;
      const sameHour = booking !== undefined && previous !== undefined && hourKey(booking).SK === hourKey(previous).SK;
      const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
        {
          Update: {
            TableName: tableName,
            Key: KEYS.declaration(declaration.id),
            UpdateExpression: 'SET #version = :next, updatedAt = :at',
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: {
              ':next': entry.version,
              ':expected': declaration.version,
              ':at': entry.recordedAt,
            },
          },
        },
        booking === undefined
          ? {
              Delete: {
                TableName: tableName,
                Key: SLOT_KEYS.booking(declaration.id),
                ...sameRevision(previous),
              },
            }
          : {
              Put: {
                TableName: tableName,
                Item: { ...SLOT_KEYS.booking(declaration.id), entity: SLOT_ENTITY.booking, ...booking },
                ...sameRevision(previous),
              },
            },
      ];
      const takesUnitAt = booking !== undefined && !sameHour ? items.length : -1;
      if (booking !== undefined && !sameHour) {
        items.push({
          Update: {
            TableName: tableName,
            Key: hourKey(booking),
            UpdateExpression:
              'SET entity = :entity, laneType = :lane, localDate = :date, startsAt = :startsAt, expiresAt = :expiresAt ADD booked :one',
            ConditionExpression: 'attribute_not_exists(booked) OR booked < :capacity',
            ExpressionAttributeValues: {
              ':entity': SLOT_ENTITY.hour,
              ':lane': booking.laneType,
              ':date': booking.localDate,
              ':startsAt': booking.startsAt,
              ':expiresAt': expiresAt(new Date(booking.endsAt), SLOT_COUNTER_RETENTION_SECONDS),
              ':one': 1,
              ':capacity': capacity,
            },
          },
        });
      }
      if (previous !== undefined && !sameHour) {
        items.push({
          Update: {
            TableName: tableName,
            Key: hourKey(previous),
            UpdateExpression: 'ADD booked :minusOne',
            // Every unit given back was taken by a booking: a counter never goes below zero.
            ConditionExpression: 'booked > :zero',
            ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
          },
        });
      }
      items.push(...historyAndEventWrites(tableName, declaration, entry, event));
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (codes.includes('TransactionConflict')) throw new SlotContentionError();
        if (codes[0] === 'ConditionalCheckFailed' || codes[1] === 'ConditionalCheckFailed') {
          throw new VersionConflictError(declaration.id, declaration.version);
        }
        if (booking !== undefined && codes[takesUnitAt] === 'ConditionalCheckFailed') {
          throw new SlotFullError(booking.laneType, booking.startsAt);
        }
        throw error;
      }
    },

    async bookedHours(laneType, localDate) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': SLOT_KEYS.hoursOf(laneType, localDate) },
        ConsistentRead: true,
      });
      return items.map((item) => ({ startsAt: String(item.startsAt), booked: Number(item.booked) }));
    },
  };
}

/** The booking item as read: absent when none is expected, else at the revision the change was decided on. */
function sameRevision(previous: SlotBooking | undefined) {
  return previous === undefined
    ? { ConditionExpression: 'attribute_not_exists(PK)' }
    : {
        ConditionExpression: 'revision = :revision',
        ExpressionAttributeValues: { ':revision': previous.revision },
      };
}

function toBooking(item: Record<string, unknown>): SlotBooking {
  const { PK: _pk, SK: _sk, entity: _entity, ...booking } = item;
  return booking as unknown as SlotBooking;
}
