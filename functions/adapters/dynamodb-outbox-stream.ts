import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { RecordedEvent } from '#application/deliveries.ts';
import type { DomainEvent } from '#domain/events.ts';
import { ENTITY } from './table-layout.ts';

/**
 * The outbox events in a batch of the declarations table's stream. The event source mapping already lets only
 * INSERTs of outbox items through; anything else is skipped here too, so a widened filter cannot turn another
 * item into a notification.
 */
export function recordedEventsOf(batch: DynamoDBStreamEvent): RecordedEvent[] {
  return (batch.Records ?? []).flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || image === undefined) return [];
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item.entity !== ENTITY.event || typeof item.brokerId !== 'string') return [];
    return [{ brokerId: item.brokerId, event: item.event as DomainEvent }];
  });
}
