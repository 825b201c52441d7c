import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { ENTITY } from '#adapters/table-layout.ts';
import { DOCUMENT_CHANGE_NAMES } from '#domain/amendment.ts';
import { TRAIN_EVENT_TYPES } from '#domain/port-events.ts';
import { SLOT_CHANGES } from '#domain/slot-booking.ts';
import type { PreClearanceFunction } from './pre-clearance-function.ts';
import { STREAM_READ_ACTIONS } from './webhook-notifications.ts';

/**
 * The table's stream → the port-event follower: a train event's record (written, or replaced by a correction)
 * and a broker's new document version (the outbox event of an amendment or a two-step completion) or a road
 * declaration's slot booking. The filter lets nothing else through, so every other write costs nothing. Batches
 * of 10, bisected on an error and retried: each step is idempotent.
 */
export function followPortEventsFromStream(follower: PreClearanceFunction, table: ITable): void {
  const streamArn = table.tableStreamArn;
  if (streamArn === undefined) throw new Error(`${follower.node.path}: the declarations table has no stream`);
  follower.addToRolePolicy(new PolicyStatement({ actions: STREAM_READ_ACTIONS, resources: [streamArn] }));
  follower.addEventSourceMapping('PortEventsStream', {
    eventSourceArn: streamArn,
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: 10,
    bisectBatchOnError: true,
    retryAttempts: 10,
    filters: [
      FilterCriteria.filter({
        eventName: FilterRule.or('INSERT', 'MODIFY'),
        dynamodb: {
          NewImage: {
            entity: { S: FilterRule.isEqual(ENTITY.milestone) },
            notice: { M: { milestone: { S: FilterRule.or(...TRAIN_EVENT_TYPES) } } },
          },
        },
      }),
      FilterCriteria.filter({
        eventName: FilterRule.isEqual('INSERT'),
        dynamodb: {
          NewImage: {
            entity: { S: FilterRule.isEqual(ENTITY.event) },
            event: { M: { transition: { S: FilterRule.or(...DOCUMENT_CHANGE_NAMES, SLOT_CHANGES.BOOK_SLOT) } } },
          },
        },
      }),
    ],
  });
}
